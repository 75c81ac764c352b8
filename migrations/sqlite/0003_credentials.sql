-- Issued credentials: the id in their URL (random, the same for every version of a provisional
-- record), the VC-JWT signed beside the Data Integrity proof, and one standing earned
-- credential per learner and achievement.
ALTER TABLE credentials ADD COLUMN public_id TEXT NOT NULL DEFAULT '';
ALTER TABLE credentials ADD COLUMN jwt TEXT NOT NULL DEFAULT '';
CREATE INDEX credentials_public ON credentials(public_id, valid_from);
CREATE UNIQUE INDEX credentials_earned_once ON credentials(achievement_id, learner_id)
    WHERE kind = 'earned' AND revoked_at IS NULL;
CREATE UNIQUE INDEX signing_keys_current ON signing_keys(institution_id)
    WHERE retired_at IS NULL;
