-- Rosters from a student information system (OneRoster): its schools and terms, and on people,
-- groups and memberships what ties them to its rows — the external id (`sourcedId`), the
-- `dateLastModified` held, and whether a roster import wrote them (only those may a later one
-- deactivate).

CREATE TABLE schools (
    id              INTEGER PRIMARY KEY,
    institution_id  INTEGER NOT NULL REFERENCES institutions(id),
    external_id     TEXT NOT NULL,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL DEFAULT '',
    active          INTEGER NOT NULL DEFAULT 1,
    UNIQUE (institution_id, external_id)
);

CREATE TABLE terms (
    id              INTEGER PRIMARY KEY,
    institution_id  INTEGER NOT NULL REFERENCES institutions(id),
    external_id     TEXT NOT NULL,
    title           TEXT NOT NULL,
    kind            TEXT NOT NULL DEFAULT '',
    start_date      TEXT,
    end_date        TEXT,
    active          INTEGER NOT NULL DEFAULT 1,
    UNIQUE (institution_id, external_id)
);

ALTER TABLE users ADD COLUMN roster_modified TEXT;
ALTER TABLE users ADD COLUMN roster_synced INTEGER NOT NULL DEFAULT 0;

ALTER TABLE groups ADD COLUMN class_code TEXT;
ALTER TABLE groups ADD COLUMN term_id INTEGER REFERENCES terms(id);
ALTER TABLE groups ADD COLUMN school_id INTEGER REFERENCES schools(id);
ALTER TABLE groups ADD COLUMN roster_modified TEXT;
ALTER TABLE groups ADD COLUMN roster_synced INTEGER NOT NULL DEFAULT 0;
CREATE INDEX groups_external ON groups(institution_id, external_id);

ALTER TABLE group_members ADD COLUMN external_id TEXT;
ALTER TABLE group_members ADD COLUMN roster_modified TEXT;
CREATE INDEX group_members_external ON group_members(external_id);
