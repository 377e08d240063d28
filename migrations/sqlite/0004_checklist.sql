-- The shared checklist: a template administrators edit, each plan's own copy of it, evidence,
-- and links to risk factors and sections. The template is seeded from the reference briefs
-- (USIP 2013 peace brief on SSR and horizontal equality, Stanley Foundation 2012 policy memo and
-- 2013 dialogue brief, and the UN Framework of Analysis). Catalogues (psgs, r2p_pillars,
-- risk_factors) come from 0002_plans.

CREATE TABLE checklist_templates (
    id       INTEGER PRIMARY KEY,
    position INTEGER NOT NULL,
    slug     TEXT    NOT NULL UNIQUE,
    text     TEXT    NOT NULL,
    psg      INTEGER NOT NULL REFERENCES psgs (no),
    pillar   INTEGER NOT NULL REFERENCES r2p_pillars (no),
    source   TEXT    NOT NULL DEFAULT '',
    retired  INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1))
);

CREATE TABLE checklist_template_risks (
    template_id INTEGER NOT NULL REFERENCES checklist_templates (id),
    risk_factor INTEGER NOT NULL REFERENCES risk_factors (no),
    PRIMARY KEY (template_id, risk_factor)
);

-- A plan's own items. `version` counts saves; every save is an UPDATE ... WHERE version = <the
-- version read> (as for sections), and each version's fields are kept in checklist_item_versions
-- so a stale save can be merged field by field against what it was based on.
CREATE TABLE checklist_items (
    id                 INTEGER PRIMARY KEY,
    plan_id            INTEGER NOT NULL REFERENCES plans (id),
    template_id        INTEGER REFERENCES checklist_templates (id),
    position           INTEGER NOT NULL,
    text               TEXT    NOT NULL,
    psg                INTEGER NOT NULL REFERENCES psgs (no),
    pillar             INTEGER NOT NULL REFERENCES r2p_pillars (no),
    status             TEXT    NOT NULL DEFAULT 'not_started'
                       CHECK (status IN ('not_started', 'in_progress', 'done', 'not_applicable')),
    na_reason          TEXT    NOT NULL DEFAULT '',
    responsible_org_id INTEGER REFERENCES organisations (id),
    responsible_person TEXT    NOT NULL DEFAULT '',
    due_date           INTEGER,
    version            INTEGER NOT NULL DEFAULT 1,
    retired            INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    updated_by         INTEGER REFERENCES people (id),
    CHECK (status <> 'not_applicable' OR na_reason <> '')
);
CREATE INDEX checklist_items_by_plan ON checklist_items (plan_id, position);

CREATE TABLE checklist_item_risks (
    item_id     INTEGER NOT NULL REFERENCES checklist_items (id),
    risk_factor INTEGER NOT NULL REFERENCES risk_factors (no),
    PRIMARY KEY (item_id, risk_factor)
);

-- Every version of an item's fields (JSON), append-only: the base of merges and the audit trail.
CREATE TABLE checklist_item_versions (
    item_id    INTEGER NOT NULL REFERENCES checklist_items (id),
    version    INTEGER NOT NULL,
    fields     TEXT    NOT NULL,
    changed_by INTEGER REFERENCES people (id),
    changed_at INTEGER NOT NULL,
    PRIMARY KEY (item_id, version)
);

CREATE TABLE checklist_evidence (
    id              INTEGER PRIMARY KEY,
    item_id         INTEGER NOT NULL REFERENCES checklist_items (id),
    note            TEXT    NOT NULL,
    url             TEXT,
    added_by        INTEGER NOT NULL REFERENCES people (id),
    organisation_id INTEGER REFERENCES organisations (id),
    added_at        INTEGER NOT NULL
);
CREATE INDEX checklist_evidence_by_item ON checklist_evidence (item_id);

-- Links only between an item and a section of the same plan (checked by the queries).
CREATE TABLE checklist_item_sections (
    item_id    INTEGER NOT NULL REFERENCES checklist_items (id),
    section_id INTEGER NOT NULL REFERENCES sections (id),
    PRIMARY KEY (item_id, section_id)
);

INSERT INTO checklist_templates (id, position, slug, text, psg, pillar, source) VALUES
    (1, 1, 'ssr-civilian-oversight', 'Civilian oversight of the military, police and intelligence services is in law and in practice', 2, 1, 'usip'),
    (2, 2, 'ssr-professional-conduct', 'Professional standards and a code of conduct bind every uniformed service, with sanctions applied', 2, 1, 'usip'),
    (3, 3, 'ssr-community-relations', 'Security forces and the communities they serve have a working channel for complaints and dialogue', 2, 1, 'usip'),
    (4, 4, 'ssr-diverse-composition', 'The composition of the security forces reflects the country''s social diversity', 2, 1, 'usip'),
    (5, 5, 'ssr-small-arms', 'The spread of small arms and light weapons is measured and controlled', 2, 1, 'usip'),
    (6, 6, 'ssr-vetting', 'Security personnel are vetted for past abuses, with records on perpetrators kept', 2, 1, 'usip'),
    (7, 7, 'ssr-rights-training-with-accountability', 'Human-rights training is paired with a mechanism that holds trainees accountable', 2, 1, 'usip'),
    (8, 8, 'ssr-defence-policing-split', 'The legal framework separates external defence from internal policing', 2, 1, 'dialogue'),
    (9, 9, 'ssr-ddr-jsr-integration', 'Disarmament, demobilisation and reintegration is planned together with security and justice reform, not only after conflict', 2, 2, 'dialogue'),
    (10, 10, 'justice-impunity', 'Abuses by state and non-state actors are investigated and prosecuted; impunity is tracked', 3, 1, 'usip'),
    (11, 11, 'justice-customary-mechanisms', 'Non-state and customary justice and security mechanisms are mapped and engaged', 3, 1, 'usip'),
    (12, 12, 'justice-institutional-confidence', 'Justice-sector reform measures public confidence in courts, police and prisons', 3, 1, 'dialogue'),
    (13, 13, 'justice-sexual-violence', 'Programmes address the incentives behind sexual violence and its consequences for reconciliation', 3, 2, 'memo'),
    (14, 14, 'politics-civil-society-role', 'Local civil society represents the security needs of vulnerable populations in reform bodies', 1, 1, 'usip'),
    (15, 15, 'politics-key-constituencies', 'Women, youth, religious leaders, the business community and the media are consulted on the plan', 1, 1, 'memo'),
    (16, 16, 'politics-anti-discrimination', 'Anti-discrimination measures cover groups at risk, with a body to receive complaints', 1, 1, 'usip'),
    (17, 17, 'politics-inclusive-citizenship', 'Citizenship and residence rules do not exclude groups by origin or indigeneity', 1, 1, 'dialogue'),
    (18, 18, 'politics-power-sharing-review', 'Power-sharing and rotation arrangements are reviewed for the groups they leave out', 1, 1, 'dialogue'),
    (19, 19, 'politics-national-identity', 'Policies build a shared national identity across ethnic, religious and regional lines', 1, 1, 'usip'),
    (20, 20, 'politics-triggers-watch', 'Known triggers such as elections and censuses are on a monitored calendar with contingency plans', 1, 1, 'memo'),
    (21, 21, 'economy-salient-inequalities', 'The risk assessment names the most salient inequalities between groups, backed by data disaggregated below the national level', 4, 1, 'usip'),
    (22, 22, 'economy-safety-nets', 'Employment and safety-net programmes reach marginalised groups', 4, 1, 'usip'),
    (23, 23, 'economy-resource-misuse', 'Resources are tracked so they are not diverted away from vulnerable populations', 4, 1, 'dialogue'),
    (24, 24, 'revenue-fiscal-transparency', 'Fiscal reform makes revenue and spending transparent and equitable between groups', 5, 1, 'usip'),
    (25, 25, 'revenue-identity-corruption', 'Rent systems and corruption tied to identity are identified and dismantled', 5, 1, 'usip'),
    (26, 26, 'assist-domestic-ownership', 'External assistance follows domestically defined priorities, with a named national lead', 5, 2, 'memo'),
    (27, 27, 'assist-partner-coordination', 'Bilateral donors, UN agencies, financial institutions and regional bodies agree who funds and runs what', 5, 2, 'memo'),
    (28, 28, 'assist-outcome-evaluation', 'Past programmes are evaluated by outcomes, not money spent', 5, 2, 'memo'),
    (29, 29, 'assist-development-integration', 'Prevention goals are built into the development agenda where the topic is politically sensitive', 4, 2, 'dialogue'),
    (30, 30, 'mechanism-focal-point', 'A national mechanism or R2P focal point is designated and meets on a set schedule', 1, 1, 'dialogue'),
    (31, 31, 'mechanism-regional-network', 'The plan links to regional prevention networks such as ECOWAS or the African Union', 1, 2, 'dialogue'),
    (32, 32, 'mechanism-continuous-assessment', 'Governance gaps are reassessed on a fixed cycle and the plan''s priorities updated from it', 1, 1, 'memo'),
    (33, 33, 'response-early-warning', 'An early-warning channel reaches decision makers and names who acts when a trigger occurs', 2, 3, 'dialogue'),
    (34, 34, 'response-incitement-monitoring', 'Hate speech and incitement against groups are monitored, with a public record of responses', 1, 3, 'framework'),
    (35, 35, 'response-protection-of-civilians', 'A named authority can order protection of civilians within days, with rules of engagement that put civilians first', 2, 3, 'usip'),
    (36, 36, 'response-humanitarian-access', 'Humanitarian and peacekeeping personnel have guaranteed access and protection', 2, 3, 'framework'),
    (37, 37, 'response-documentation-readiness', 'Investigators can document violations quickly and preserve evidence for prosecution', 3, 3, 'dialogue');

INSERT INTO checklist_template_risks (template_id, risk_factor) VALUES
    (1, 3), (1, 5), (1, 6), (2, 2), (2, 5), (3, 6), (4, 5), (4, 9),
    (5, 5), (5, 7), (6, 2), (7, 2), (7, 6), (8, 3), (8, 5), (9, 1),
    (9, 5), (10, 2), (10, 6), (11, 3), (11, 6), (12, 3), (13, 2), (13, 11),
    (14, 6), (15, 6), (16, 9), (17, 4), (17, 9), (18, 4), (18, 9), (19, 9),
    (20, 8), (21, 4), (21, 9), (22, 4), (22, 9), (23, 3), (24, 3), (24, 4),
    (25, 3), (25, 4), (26, 3), (27, 3), (28, 6), (29, 6), (30, 6), (31, 6),
    (32, 3), (32, 8), (33, 7), (33, 8), (34, 10), (34, 12), (35, 11), (35, 13),
    (36, 14), (37, 2), (37, 13);
