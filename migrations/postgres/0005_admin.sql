-- Administration in the app (issue 7): the audit log says from where each action came.
ALTER TABLE audit_log ADD COLUMN origin TEXT;
CREATE INDEX audit_log_action ON audit_log(institution_id, action, at);
