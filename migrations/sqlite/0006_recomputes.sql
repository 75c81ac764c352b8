-- Frameworks edited in the app (issue 7): a change of mastery method recomputes the levels it
-- affects in the background. Each recompute is a row, so its progress can be read from any
-- instance and an unfinished one is resumed when the server starts again.
CREATE TABLE level_recomputes (
    id              INTEGER PRIMARY KEY,
    institution_id  INTEGER NOT NULL REFERENCES institutions(id),
    framework_id    INTEGER NOT NULL REFERENCES frameworks(id) ON DELETE CASCADE,
    -- the one competency whose method changed, or NULL for the whole framework
    competency_id   INTEGER REFERENCES competencies(id) ON DELETE CASCADE,
    reason          TEXT NOT NULL,
    learners        INTEGER NOT NULL DEFAULT 0,
    done            INTEGER NOT NULL DEFAULT 0,
    changed         INTEGER NOT NULL DEFAULT 0,
    started_at      TEXT NOT NULL,
    finished_at     TEXT,
    failure         TEXT
);
CREATE INDEX level_recomputes_framework ON level_recomputes(framework_id, id);
