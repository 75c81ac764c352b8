-- People an administrator adds (one by one or imported) choose their own password through an
-- invitation: a link with a one-time token, valid for 14 days. Only the token's hash is kept.
CREATE TABLE invitations (
    token_hash      TEXT PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_by      INTEGER REFERENCES users(id),
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    used_at         TEXT
);
CREATE INDEX invitations_user ON invitations(user_id);
