-- The audit trail and section review. Audit entries form a hash chain: each row's `hash` is
-- SHA-256 over the previous row's hash and this row's own content, so editing or deleting a
-- row after the fact breaks the chain at that row (`upstream verify-audit` finds it). The app
-- only ever INSERTs here.

CREATE TABLE audit_entries (
    seq       INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    person_id INTEGER,
    ip        TEXT,
    kind      TEXT    NOT NULL,
    plan_id   INTEGER,
    subject   TEXT    NOT NULL,
    details   TEXT    NOT NULL,
    prev_hash TEXT    NOT NULL,
    hash      TEXT    NOT NULL
);
CREATE INDEX audit_by_plan ON audit_entries (plan_id, seq);
CREATE INDEX audit_by_person ON audit_entries (person_id, seq);

-- A section's review state. No row means draft. `version` is the section version under
-- review or approved; `since_version` is the version of the last approval (0 before any), so
-- the authors of revisions after it cannot approve.
CREATE TABLE section_reviews (
    section_id    INTEGER PRIMARY KEY REFERENCES sections (id),
    state         TEXT    NOT NULL CHECK (state IN ('draft', 'in_review', 'changes_requested', 'approved')),
    version       INTEGER NOT NULL,
    since_version INTEGER NOT NULL DEFAULT 0,
    reason        TEXT    NOT NULL DEFAULT '',
    changed_by    INTEGER REFERENCES people (id),
    changed_at    INTEGER NOT NULL
);

-- One approval of one exact section version by one person, recorded with the kind of the
-- organisation they approved for.
CREATE TABLE section_approvals (
    section_id  INTEGER NOT NULL REFERENCES sections (id),
    version     INTEGER NOT NULL,
    person_id   INTEGER NOT NULL REFERENCES people (id),
    org_kind    TEXT    NOT NULL CHECK (org_kind IN ('government', 'civil_society', 'donor')),
    approved_at INTEGER NOT NULL,
    PRIMARY KEY (section_id, version, person_id)
);

-- The plan lead's approval rule: minimum approvals per kind of organisation.
CREATE TABLE plan_approval_rules (
    plan_id  INTEGER NOT NULL REFERENCES plans (id),
    org_kind TEXT    NOT NULL CHECK (org_kind IN ('government', 'civil_society', 'donor')),
    minimum  INTEGER NOT NULL CHECK (minimum >= 0),
    PRIMARY KEY (plan_id, org_kind)
);

-- Approved, immutable plan versions and their snapshots.
CREATE TABLE plan_versions (
    plan_id     INTEGER NOT NULL REFERENCES plans (id),
    number      INTEGER NOT NULL,
    title       TEXT    NOT NULL,
    approved_by INTEGER NOT NULL REFERENCES people (id),
    approved_at INTEGER NOT NULL,
    PRIMARY KEY (plan_id, number)
);

CREATE TABLE plan_version_sections (
    plan_id         INTEGER NOT NULL,
    number          INTEGER NOT NULL,
    position        INTEGER NOT NULL,
    section_id      INTEGER NOT NULL,
    section_version INTEGER NOT NULL,
    title           TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    PRIMARY KEY (plan_id, number, section_id),
    FOREIGN KEY (plan_id, number) REFERENCES plan_versions (plan_id, number)
);

CREATE TABLE plan_version_checklist (
    plan_id  INTEGER NOT NULL,
    number   INTEGER NOT NULL,
    position INTEGER NOT NULL,
    text     TEXT    NOT NULL,
    status   TEXT    NOT NULL,
    details  TEXT    NOT NULL,
    PRIMARY KEY (plan_id, number, position),
    FOREIGN KEY (plan_id, number) REFERENCES plan_versions (plan_id, number)
);
