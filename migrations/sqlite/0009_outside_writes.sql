-- Writes made by a process other than the server on the same database file (the command line:
-- `cairn credential revoke`, `cairn import users`, …). Each such process adds a line when it
-- closes the database after writing; the server looks for new lines before it serves a kept
-- page, so a kept page never outlives a write it does not reflect, whoever made it.
CREATE TABLE outside_writes (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    process     TEXT NOT NULL
);
