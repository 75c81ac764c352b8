-- A registration code counts the seats it has given (assigned to an email, or redeemed): a seat
-- is taken by one conditional UPDATE (`taken < seats`) that no concurrent redemption can pass,
-- so a code is never oversold.

ALTER TABLE registration_codes ADD COLUMN taken INTEGER NOT NULL DEFAULT 0;
UPDATE registration_codes SET taken =
    (SELECT COUNT(*) FROM seat_assignments s WHERE s.code_id = registration_codes.id);
