-- An approval records the organisation it counts for, beside that organisation's kind: the one
-- through which the reviewer holds the right to review on the plan. Approvals recorded before
-- this keep NULL (their kind is still stored).
ALTER TABLE section_approvals ADD COLUMN organisation_id INTEGER REFERENCES organisations (id);
