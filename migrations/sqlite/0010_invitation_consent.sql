-- Adding an existing account to an organisation is an invitation they answer while logged in:
-- the membership exists only once they accept. `answer` is NULL while the invitation is open
-- (until `expires_at`); who answered is the invited person, or for `revoked` whoever withdrew it.
CREATE TABLE membership_invitations (
    id              INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    person_id       INTEGER NOT NULL REFERENCES people (id),
    role            TEXT    NOT NULL CHECK (role IN ('admin', 'member')),
    invited_by      INTEGER NOT NULL REFERENCES people (id),
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    answer          TEXT    CHECK (answer IN ('accepted', 'declined', 'revoked')),
    answered_by     INTEGER REFERENCES people (id),
    answered_at     INTEGER,
    CHECK ((answer IS NULL) = (answered_at IS NULL))
);
CREATE INDEX membership_invitations_by_person ON membership_invitations (person_id);
CREATE INDEX membership_invitations_by_organisation ON membership_invitations (organisation_id);

-- Invitation links can be withdrawn before they are used.
ALTER TABLE invitations ADD COLUMN revoked_at INTEGER;
ALTER TABLE invitations ADD COLUMN revoked_by INTEGER REFERENCES people (id);
