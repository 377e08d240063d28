-- People, organisations, memberships, invitations, sessions and login throttling.
-- Times are Unix seconds (INTEGER) and flags are 0/1 so the same queries run on PostgreSQL.

CREATE TABLE people (
    id                  INTEGER PRIMARY KEY,
    email               TEXT    NOT NULL UNIQUE,
    display_name        TEXT    NOT NULL,
    password_hash       TEXT    NOT NULL,
    platform_role       TEXT    NOT NULL CHECK (platform_role IN ('admin', 'member')),
    active              INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at          INTEGER NOT NULL,
    password_changed_at INTEGER NOT NULL
);

CREATE TABLE organisations (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    kind       TEXT    NOT NULL CHECK (kind IN ('government', 'civil_society', 'donor')),
    country    TEXT    NOT NULL CHECK (length(country) = 2),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE memberships (
    person_id       INTEGER NOT NULL REFERENCES people (id),
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    role            TEXT    NOT NULL CHECK (role IN ('admin', 'member')),
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (person_id, organisation_id)
);
CREATE INDEX memberships_by_organisation ON memberships (organisation_id);

-- The token itself is never stored: only its SHA-256, so a copy of the database cannot be
-- used to accept pending invitations.
CREATE TABLE invitations (
    id                 INTEGER PRIMARY KEY,
    token_hash         TEXT    NOT NULL UNIQUE,
    email              TEXT    NOT NULL,
    display_name       TEXT    NOT NULL,
    platform_role      TEXT    NOT NULL CHECK (platform_role IN ('admin', 'member')),
    organisation_id    INTEGER REFERENCES organisations (id),
    organisation_role  TEXT    CHECK (organisation_role IN ('admin', 'member')),
    invited_by         INTEGER NOT NULL REFERENCES people (id),
    created_at         INTEGER NOT NULL,
    expires_at         INTEGER NOT NULL,
    accepted_at        INTEGER,
    accepted_person_id INTEGER REFERENCES people (id)
);
CREATE INDEX invitations_by_email ON invitations (email);

CREATE TABLE sessions (
    id         TEXT    PRIMARY KEY,
    person_id  INTEGER REFERENCES people (id),
    data       TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_person ON sessions (person_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE login_failures (
    id     INTEGER PRIMARY KEY,
    scope  TEXT    NOT NULL CHECK (scope IN ('account', 'address')),
    subject TEXT   NOT NULL,
    at     INTEGER NOT NULL
);
CREATE INDEX login_failures_lookup ON login_failures (scope, subject, at);
