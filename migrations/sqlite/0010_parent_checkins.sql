-- A parent writes to their child's teacher: the check-in is about the learner, sent by the
-- parent. NULL: sent by the learner themself.
ALTER TABLE checkins ADD COLUMN sender_id INTEGER REFERENCES users(id) ON DELETE CASCADE;
CREATE INDEX checkins_sender ON checkins(sender_id);
