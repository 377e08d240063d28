-- An invitation can carry a role on a plan, granted to the new account when it is accepted.
ALTER TABLE invitations ADD COLUMN plan_id INTEGER REFERENCES plans (id);
ALTER TABLE invitations ADD COLUMN plan_role TEXT CHECK (plan_role IN ('lead', 'editor', 'reviewer', 'commenter', 'viewer'));
