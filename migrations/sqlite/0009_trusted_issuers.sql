-- The issuers an institution vouches for besides itself: credentials they sign are shown under
-- the name given here. A DID or URL alone (did:key needs nothing more), or with the issuer's
-- profile or DID document, whose keys then verify its credentials offline.
CREATE TABLE trusted_issuers (
    id              INTEGER PRIMARY KEY,
    institution_id  INTEGER NOT NULL REFERENCES institutions(id),
    issuer          TEXT NOT NULL,
    name            TEXT NOT NULL,
    document        TEXT,
    added_by        INTEGER REFERENCES users(id),
    added_at        TEXT NOT NULL,
    UNIQUE (institution_id, issuer)
);
