-- Administrators choose which tiles each role's home page shows, and in what order (issue 7).
-- A role without rows shows every tile in the default order.
CREATE TABLE home_tiles (
    institution_id  INTEGER NOT NULL REFERENCES institutions(id),
    role            TEXT NOT NULL,
    tile            TEXT NOT NULL,
    position        INTEGER NOT NULL,
    shown           INTEGER NOT NULL,
    PRIMARY KEY (institution_id, role, tile)
);
