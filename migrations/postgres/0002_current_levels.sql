-- Levels kept up to date as evidence arrives, so that a page view reads them instead of
-- recomputing: each learner's current level per competency, and how many learners of each
-- group stand at each level (in tenths) of each competency, for cohort comparison.

CREATE TABLE current_levels (
    learner_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    competency_id   BIGINT NOT NULL REFERENCES competencies(id) ON DELETE CASCADE,
    -- NULL while the mastery method gives no level yet (n_mastery)
    level           DOUBLE PRECISION,
    evidence_count  BIGINT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (learner_id, competency_id)
);

CREATE TABLE cohort_levels (
    group_id        BIGINT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    competency_id   BIGINT NOT NULL REFERENCES competencies(id) ON DELETE CASCADE,
    -- the level times ten, rounded: 27 is level 2.7
    bucket          BIGINT NOT NULL,
    learners        BIGINT NOT NULL CHECK (learners > 0),
    PRIMARY KEY (group_id, competency_id, bucket)
);
