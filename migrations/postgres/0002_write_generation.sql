-- The database's write generation: one counter that every statement changing any table moves
-- on, in the same transaction. An instance reads it once at the start of each request and, when
-- it moved, drops every memoised read and kept page, so what another instance wrote is seen on
-- the very next request while views that nothing changed are still served from memory.
CREATE TABLE write_generation (
    one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
    n    BIGINT  NOT NULL
);
INSERT INTO write_generation (one, n) VALUES (TRUE, 0);

-- Before the statement touches any row, it takes the write lane (the advisory lock the app's
-- writing transactions take first, `WRITE_LANE_LOCK` in app/src/db/mod.rs): a single statement
-- that locked a row and then waited for the counter, while a transaction holding the counter
-- waited for that row, would deadlock.
CREATE FUNCTION bump_write_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(6147505112983355725);
    UPDATE write_generation SET n = n + 1;
    RETURN NULL;
END
$$;

-- On every table. The app runs this same block after each start-up's migrations, so a table
-- added later gets its trigger without its migration having to remember.
DO $$
DECLARE t record;
BEGIN
    FOR t IN
        SELECT c.relname FROM pg_class c
        WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace
          AND c.relname NOT IN ('write_generation', '_sqlx_migrations')
          AND NOT EXISTS (SELECT 1 FROM pg_trigger g
                          WHERE g.tgrelid = c.oid AND g.tgname = 'bump_write_generation')
    LOOP
        EXECUTE format('CREATE TRIGGER bump_write_generation BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION bump_write_generation()', t.relname);
    END LOOP;
END
$$;
