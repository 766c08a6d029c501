-- WikiPulse schema, version 4: the read-only role the serving layer connects with.
-- The dashboard and its API only read; connecting as a role that can do nothing else means an API bug
-- (or an injection that got past parameterised SQL) cannot change or drop a table.
-- Roles belong to the whole PostgreSQL cluster, not to one database, so the role is created only if
-- missing, and a concurrent migration of another database creating it at the same moment is tolerated.
-- No password is set here (trust/peer authentication on a developer machine); `./wikipulse migrate`
-- sets one from WIKIPULSE_READER_PASSWORD when that is given.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'wikipulse_reader') THEN
    CREATE ROLE wikipulse_reader LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
  END IF;
EXCEPTION
  WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;

GRANT USAGE ON SCHEMA public TO wikipulse_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO wikipulse_reader;
-- Tables later migrations create (as the same migrating user) are readable too.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO wikipulse_reader;
