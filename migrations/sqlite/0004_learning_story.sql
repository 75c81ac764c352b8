-- The learner's own story, as issue 6 shapes it: a goal says why it matters and has a target
-- date, links competencies and is active, achieved or dropped; steps have due dates; check-ins
-- are about a goal or project and know what each side has read; projects are assessed on the
-- rubric by teachers (as evidence) and by the learner (beside it, never counted); images get thumbnails.
--
-- SQLite cannot change a CHECK constraint in place, so `goals` is rebuilt. Migrations run in a
-- transaction with foreign keys on, where dropping `goals` deletes (cascades to) its steps,
-- files, reflections and comments: they are kept aside first and put back after, all in this
-- one transaction, so nothing is lost and a failure changes nothing.
CREATE TEMP TABLE kept_goals AS SELECT * FROM goals;
CREATE TEMP TABLE kept_goal_steps AS SELECT * FROM goal_steps;
CREATE TEMP TABLE kept_goal_files AS SELECT * FROM goal_files;
CREATE TEMP TABLE kept_goal_reflections AS SELECT * FROM reflections WHERE goal_id IS NOT NULL;
CREATE TEMP TABLE kept_goal_feedback AS SELECT * FROM feedback WHERE goal_id IS NOT NULL;

DROP TABLE goals;
CREATE TABLE goals (
    id              INTEGER PRIMARY KEY,
    learner_id      INTEGER NOT NULL REFERENCES users(id),
    title           TEXT NOT NULL,
    why             TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'active'
                    CHECK (status IN ('active', 'achieved', 'dropped')),
    target_on       TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
INSERT INTO goals (id, learner_id, title, why, status, target_on, created_at, updated_at)
    SELECT id, learner_id, title, description,
           CASE status WHEN 'archived' THEN 'dropped' ELSE status END,
           due_on, created_at, created_at
    FROM kept_goals;
INSERT INTO goal_steps (id, goal_id, text, position, done_at)
    SELECT id, goal_id, text, position, done_at FROM kept_goal_steps;
INSERT INTO goal_files (goal_id, file_id) SELECT goal_id, file_id FROM kept_goal_files;
INSERT INTO reflections (id, learner_id, goal_id, project_id, body, created_at)
    SELECT id, learner_id, goal_id, project_id, body, created_at FROM kept_goal_reflections;
INSERT INTO feedback (id, author_id, learner_id, goal_id, project_id, body, created_at)
    SELECT id, author_id, learner_id, goal_id, project_id, body, created_at FROM kept_goal_feedback;
DROP TABLE kept_goals;
DROP TABLE kept_goal_steps;
DROP TABLE kept_goal_files;
DROP TABLE kept_goal_reflections;
DROP TABLE kept_goal_feedback;
CREATE INDEX goals_learner ON goals(learner_id);

CREATE TABLE goal_competencies (
    goal_id         INTEGER NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
    competency_id   INTEGER NOT NULL REFERENCES competencies(id),
    PRIMARY KEY (goal_id, competency_id)
);

ALTER TABLE goal_steps ADD COLUMN due_on TEXT;
CREATE INDEX goal_steps_goal ON goal_steps(goal_id, position);
CREATE INDEX reflections_goal ON reflections(goal_id);
CREATE INDEX reflections_project ON reflections(project_id);
CREATE INDEX feedback_goal ON feedback(goal_id);
CREATE INDEX feedback_project ON feedback(project_id);

ALTER TABLE checkins ADD COLUMN goal_id INTEGER REFERENCES goals(id) ON DELETE SET NULL;
ALTER TABLE checkins ADD COLUMN project_id INTEGER REFERENCES projects(id) ON DELETE SET NULL;
ALTER TABLE checkins ADD COLUMN read_by_teacher_at TEXT;
ALTER TABLE checkins ADD COLUMN answer_read_at TEXT;
CREATE INDEX checkins_learner ON checkins(learner_id);
CREATE INDEX checkins_teacher ON checkins(teacher_id);

-- A learner's assessment of their own project on the rubric: shown beside the teacher's, never
-- counted towards mastery. (A teacher's assessment is evidence, source 'project'.)
CREATE TABLE project_self_assessments (
    id              INTEGER PRIMARY KEY,
    project_id      INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    competency_id   INTEGER NOT NULL REFERENCES competencies(id),
    level           INTEGER NOT NULL,
    comment         TEXT,
    created_at      TEXT NOT NULL
);
CREATE INDEX project_self_assessments_project ON project_self_assessments(project_id, competency_id);

ALTER TABLE files ADD COLUMN thumbnail_path TEXT;

