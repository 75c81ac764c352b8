-- CASE 1.0: a framework imported from a CASE package keeps every CASE identifier and URI, so a
-- newer version of the package updates it in place; a competency the package no longer has is
-- retired (kept with its evidence and levels, out of the framework's list). `published` makes a
-- framework public through the CASE provider API.

ALTER TABLE frameworks ADD COLUMN case_changed_at TEXT;
ALTER TABLE frameworks ADD COLUMN published INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX frameworks_case ON frameworks(institution_id, case_identifier);

ALTER TABLE framework_areas ADD COLUMN case_identifier TEXT;
ALTER TABLE framework_areas ADD COLUMN case_uri TEXT;

ALTER TABLE competencies ADD COLUMN case_uri TEXT;
ALTER TABLE competencies ADD COLUMN case_changed_at TEXT;
ALTER TABLE competencies ADD COLUMN item_type TEXT;
ALTER TABLE competencies ADD COLUMN year_levels TEXT NOT NULL DEFAULT '';
ALTER TABLE competencies ADD COLUMN notes TEXT NOT NULL DEFAULT '';
ALTER TABLE competencies ADD COLUMN retired_at TEXT;
-- Written by a CASE import (only these are retired when a newer package leaves them out).
ALTER TABLE competencies ADD COLUMN case_imported INTEGER NOT NULL DEFAULT 0;
CREATE INDEX competencies_case ON competencies(framework_id, case_identifier);

ALTER TABLE indicators ADD COLUMN case_identifier TEXT;

-- An alignment's kind is the CASE association type (exactMatchOf, isRelatedTo, …); none for
-- those typed in Cairn.
ALTER TABLE competency_alignments ADD COLUMN kind TEXT;
ALTER TABLE competency_alignments ADD COLUMN target_identifier TEXT;
ALTER TABLE competency_alignments ADD COLUMN case_identifier TEXT;
