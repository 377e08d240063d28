-- Comment threads on sections, their comments, mentions and each person's inbox.
-- A thread anchors either to the whole section (quote NULL) or to a quoted passage with some
-- text before and after it, so it can be found again after edits or marked when it is gone.

CREATE TABLE comment_threads (
    id          INTEGER PRIMARY KEY,
    plan_id     INTEGER NOT NULL REFERENCES plans (id),
    section_id  INTEGER NOT NULL REFERENCES sections (id),
    quote       TEXT,
    prefix      TEXT    NOT NULL DEFAULT '',
    suffix      TEXT    NOT NULL DEFAULT '',
    created_by  INTEGER NOT NULL REFERENCES people (id),
    created_at  INTEGER NOT NULL,
    resolved_by INTEGER REFERENCES people (id),
    resolved_at INTEGER,
    reopened_by INTEGER REFERENCES people (id),
    reopened_at INTEGER,
    CHECK ((resolved_by IS NULL) = (resolved_at IS NULL))
);
CREATE INDEX comment_threads_by_section ON comment_threads (plan_id, section_id);

-- Deleting a comment empties its body and keeps the row, so the thread keeps its shape.
CREATE TABLE comments (
    id         INTEGER PRIMARY KEY,
    thread_id  INTEGER NOT NULL REFERENCES comment_threads (id),
    author_id  INTEGER NOT NULL REFERENCES people (id),
    body       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    edited_at  INTEGER,
    deleted_at INTEGER,
    deleted_by INTEGER REFERENCES people (id)
);
CREATE INDEX comments_by_thread ON comments (thread_id, id);

CREATE TABLE comment_mentions (
    comment_id INTEGER NOT NULL REFERENCES comments (id),
    person_id  INTEGER NOT NULL REFERENCES people (id),
    PRIMARY KEY (comment_id, person_id)
);

-- What a person should look at: mentions of them, replies in threads they take part in and,
-- once reviews exist, review requests. Shown only while they can still read the plan.
CREATE TABLE inbox_items (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES people (id),
    kind       TEXT    NOT NULL CHECK (kind IN ('mention', 'reply', 'review_request')),
    plan_id    INTEGER NOT NULL REFERENCES plans (id),
    section_id INTEGER REFERENCES sections (id),
    thread_id  INTEGER REFERENCES comment_threads (id),
    comment_id INTEGER REFERENCES comments (id),
    actor_id   INTEGER REFERENCES people (id),
    created_at INTEGER NOT NULL,
    read_at    INTEGER
);
CREATE INDEX inbox_items_by_person ON inbox_items (person_id, read_at);
