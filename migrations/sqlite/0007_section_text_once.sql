-- A section's current text is its latest revision's (revision `number` = section `version`),
-- so it is stored once. Keeping a second copy in `sections` doubled what every save wrote:
-- the row and its overflow pages were rewritten in full at each save.
ALTER TABLE sections DROP COLUMN body;
