-- Audit entries of format 2 digest their content with a random salt of their own (see
-- app/src/foundation/audit/chain.rs), so a plan's exported trail can show the other entries
-- as digests that cannot be guessed back. Entries written before this stay format 1 (no salt).
ALTER TABLE audit_entries ADD COLUMN salt TEXT;
