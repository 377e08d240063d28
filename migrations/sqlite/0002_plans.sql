-- Framework catalogues, country plans, their sections with full revision history, plan roles
-- and the editable section template. Sources: R2P (2005 World Summit Outcome, 2009 SG report),
-- New Deal (Busan 2011), g7+ Fragility Spectrum (2013), UN Framework of Analysis (2014).

CREATE TABLE r2p_pillars (
    no         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    short_name TEXT NOT NULL
);
INSERT INTO r2p_pillars (no, name, short_name) VALUES
    (1, 'The protection responsibilities of the State', 'State responsibility'),
    (2, 'International assistance and capacity-building', 'International assistance'),
    (3, 'Timely and decisive response', 'Timely response');

CREATE TABLE psgs (
    no         INTEGER PRIMARY KEY,
    short_name TEXT NOT NULL,
    objective  TEXT NOT NULL
);
INSERT INTO psgs (no, short_name, objective) VALUES
    (1, 'Legitimate Politics', 'Foster inclusive political settlements and conflict resolution'),
    (2, 'Security', 'Establish and strengthen people''s security'),
    (3, 'Justice', 'Address injustices and increase people''s access to justice'),
    (4, 'Economic Foundations', 'Generate employment and improve livelihoods'),
    (5, 'Revenues & Services', 'Manage revenue and build capacity for accountable and fair service delivery');

CREATE TABLE fragility_stages (
    no   INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);
INSERT INTO fragility_stages (no, name) VALUES
    (1, 'Crisis'), (2, 'Rebuild and Reform'), (3, 'Transition'), (4, 'Transformation'), (5, 'Resilience');

CREATE TABLE risk_factors (
    no   INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('common', 'specific')),
    name TEXT NOT NULL
);
INSERT INTO risk_factors (no, kind, name) VALUES
    (1, 'common', 'Situations of armed conflict or other forms of instability'),
    (2, 'common', 'Record of serious violations of international human rights and humanitarian law'),
    (3, 'common', 'Weakness of State structures'),
    (4, 'common', 'Motives or incentives'),
    (5, 'common', 'Capacity to commit atrocity crimes'),
    (6, 'common', 'Absence of mitigating factors'),
    (7, 'common', 'Enabling circumstances or preparatory action'),
    (8, 'common', 'Triggering factors'),
    (9, 'specific', 'Intergroup tensions or patterns of discrimination against protected groups'),
    (10, 'specific', 'Signs of an intent to destroy in whole or in part a protected group'),
    (11, 'specific', 'Signs of a widespread or systematic attack against any civilian population'),
    (12, 'specific', 'Signs of a plan or policy to attack any civilian population'),
    (13, 'specific', 'Serious threats to those protected under international humanitarian law'),
    (14, 'specific', 'Serious threats to humanitarian or peacekeeping operations');

CREATE TABLE plans (
    id              INTEGER PRIMARY KEY,
    country         TEXT    NOT NULL CHECK (length(country) = 2),
    title           TEXT    NOT NULL,
    summary         TEXT    NOT NULL,
    period_start    INTEGER NOT NULL,
    period_end      INTEGER NOT NULL,
    fragility_stage INTEGER NOT NULL REFERENCES fragility_stages (no),
    lead_org_id     INTEGER NOT NULL REFERENCES organisations (id),
    status          TEXT    NOT NULL CHECK (status IN ('draft', 'in_review', 'approved', 'archived')),
    created_by      INTEGER NOT NULL REFERENCES people (id),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    CHECK (period_start <= period_end)
);
CREATE INDEX plans_by_country ON plans (country);
CREATE INDEX plans_by_lead ON plans (lead_org_id);

-- A role on a plan, granted to one person or to a whole organisation (its members now and later).
CREATE TABLE plan_grants (
    id           INTEGER PRIMARY KEY,
    plan_id      INTEGER NOT NULL REFERENCES plans (id),
    grantee_kind TEXT    NOT NULL CHECK (grantee_kind IN ('person', 'organisation')),
    grantee_id   INTEGER NOT NULL,
    role         TEXT    NOT NULL CHECK (role IN ('lead', 'editor', 'reviewer', 'commenter', 'viewer')),
    granted_by   INTEGER NOT NULL REFERENCES people (id),
    granted_at   INTEGER NOT NULL,
    UNIQUE (plan_id, grantee_kind, grantee_id)
);
CREATE INDEX plan_grants_by_grantee ON plan_grants (grantee_kind, grantee_id);

-- `version` counts saves; every save is an UPDATE ... WHERE version = <the version read>, so two
-- saves can never both win against the same version. Removed sections keep everything.
CREATE TABLE sections (
    id         INTEGER PRIMARY KEY,
    plan_id    INTEGER NOT NULL REFERENCES plans (id),
    position   INTEGER NOT NULL,
    title      TEXT    NOT NULL,
    guidance   TEXT    NOT NULL DEFAULT '',
    body       TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    updated_by INTEGER REFERENCES people (id),
    updated_at INTEGER NOT NULL,
    removed_at INTEGER,
    removed_by INTEGER REFERENCES people (id)
);
CREATE INDEX sections_by_plan ON sections (plan_id, position);

CREATE TABLE section_tags (
    section_id INTEGER NOT NULL REFERENCES sections (id),
    framework  TEXT    NOT NULL CHECK (framework IN ('psg', 'pillar')),
    no         INTEGER NOT NULL,
    PRIMARY KEY (section_id, framework, no)
);

-- Revision `number` equals the section version it produced; history is append-only.
CREATE TABLE revisions (
    id              INTEGER PRIMARY KEY,
    section_id      INTEGER NOT NULL REFERENCES sections (id),
    number          INTEGER NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('create', 'edit', 'merge', 'restore')),
    author_id       INTEGER REFERENCES people (id),
    organisation_id INTEGER REFERENCES organisations (id),
    created_at      INTEGER NOT NULL,
    body            TEXT    NOT NULL,
    note            TEXT    NOT NULL DEFAULT '',
    UNIQUE (section_id, number)
);

CREATE TABLE section_templates (
    id       INTEGER PRIMARY KEY,
    position INTEGER NOT NULL,
    title    TEXT    NOT NULL,
    guidance TEXT    NOT NULL,
    psgs     TEXT    NOT NULL DEFAULT '',
    pillars  TEXT    NOT NULL DEFAULT '',
    retired  INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1))
);
INSERT INTO section_templates (position, title, guidance, psgs, pillars) VALUES
    (1, 'Context and risk assessment',
     'Assess the country against the 14 risk factors of the UN Framework of Analysis for Atrocity Crimes: which are present, which indicators are rising, and what sources of resilience mitigate them. Name the groups most at risk and the inequalities they experience.',
     '1,2,3,4,5', '1'),
    (2, 'PSG 1 - Legitimate politics',
     'Inclusive political settlements and conflict resolution: dialogue between groups, elections and census as possible triggers, national identity that transcends divisions.',
     '1', '1'),
    (3, 'PSG 2 - Security',
     'People''s security: civilian oversight of the security sector, professional conduct, vetting, community relations, control of small arms.',
     '2', '1'),
    (4, 'PSG 3 - Justice',
     'Address injustices and increase access to justice: accountability for past violations, independent courts, transitional justice, protection of victims and witnesses.',
     '3', '1'),
    (5, 'PSG 4 - Economic foundations',
     'Employment and livelihoods: horizontal inequality between groups, employment and safety-net programmes for marginalised groups.',
     '4', '1'),
    (6, 'PSG 5 - Revenues and services',
     'Accountable and fair service delivery: revenue management, reducing corruption linked to identity, equitable distribution of services across regions and groups.',
     '5', '1'),
    (7, 'International assistance',
     'R2P pillar 2: what partners (bilateral donors, UN agencies, regional organisations) provide, how it uses and strengthens country systems, and who is accountable for it.',
     '1,2,3,4,5', '2'),
    (8, 'Early warning and timely response',
     'R2P pillar 3: who watches which indicators, how warnings reach decision makers, and what response is agreed in advance for each trigger.',
     '1,2', '3'),
    (9, 'Monitoring and evaluation',
     'How progress against this plan is measured, by whom, how often, and how findings are published and acted on.',
     '1,2,3,4,5', '1,2,3');
