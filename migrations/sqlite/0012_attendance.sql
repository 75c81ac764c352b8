-- The attendance feed: each record keeps the id its source gave it (`sourcedId`, unique in the
-- institution), the institution it belongs to, a note, and when it last changed; each delivery
-- (a push, a CSV file) is a feed run, with what it did and the first records it refused.

ALTER TABLE attendance ADD COLUMN institution_id INTEGER REFERENCES institutions(id);
ALTER TABLE attendance ADD COLUMN source_ref TEXT;
ALTER TABLE attendance ADD COLUMN note TEXT;
ALTER TABLE attendance ADD COLUMN updated_at TEXT;
UPDATE attendance SET institution_id = (SELECT institution_id FROM users WHERE users.id = attendance.learner_id);
CREATE UNIQUE INDEX attendance_source ON attendance(institution_id, source_ref);
CREATE INDEX attendance_learner_day ON attendance(learner_id, day);
CREATE INDEX attendance_received ON attendance(institution_id, recorded_at);

CREATE TABLE attendance_runs (
    id              INTEGER PRIMARY KEY,
    institution_id  INTEGER NOT NULL REFERENCES institutions(id),
    source          TEXT NOT NULL,
    from_file       INTEGER NOT NULL DEFAULT 0,
    received_at     TEXT NOT NULL,
    records         INTEGER NOT NULL,
    created         INTEGER NOT NULL,
    updated         INTEGER NOT NULL,
    unchanged       INTEGER NOT NULL,
    rejected        INTEGER NOT NULL,
    errors          TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX attendance_runs_received ON attendance_runs(institution_id, received_at);
