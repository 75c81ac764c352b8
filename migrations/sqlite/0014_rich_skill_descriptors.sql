-- A competency imported from a Rich Skill Descriptor keeps the descriptor as it came (JSON), so
-- its export gives back what Cairn does not model: occupations, authors, certifications, dates.
-- Its URL is the competency's `case_uri`, its uuid the `case_identifier`.

ALTER TABLE competencies ADD COLUMN rsd TEXT;
