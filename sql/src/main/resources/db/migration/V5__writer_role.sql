-- WikiPulse schema, version 5: the role the pipelines (speed layer, batch layer, retention) connect
-- with. It may read and write rows of the tables those jobs use, and nothing else: no DDL (it owns no
-- table and may create none), no superuser, no other tables. Migrations run as the owner
-- (WIKIPULSE_DB_USER); a later migration that adds a table the pipelines write must GRANT the writer
-- exactly what it needs there (no ALTER DEFAULT PRIVILEGES: every grant is deliberate).
-- Like V4: the role is cluster-wide, created only if missing; no password here (trust/peer on a
-- developer machine); `./wikipulse migrate` sets one from WIKIPULSE_WRITER_PASSWORD when given.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'wikipulse_writer') THEN
    CREATE ROLE wikipulse_writer LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
  END IF;
EXCEPTION
  WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;

GRANT USAGE ON SCHEMA public TO wikipulse_writer;

-- Speed layer: inserts (ON CONFLICT DO NOTHING) into the events and dead letters, upserts (ON CONFLICT
-- DO UPDATE ... WHERE t.event_count < EXCLUDED.event_count: INSERT, UPDATE and SELECT) into the
-- windowed tables. Retention: SELECT (it counts, and picks rows by ctid) and DELETE on all of them.
GRANT SELECT, INSERT, DELETE ON realtime_recent_changes, dead_letters TO wikipulse_writer;
GRANT SELECT, INSERT, UPDATE, DELETE
  ON realtime_traffic_volume, realtime_minute_rollups, realtime_minute_pages, realtime_minute_users
  TO wikipulse_writer;
GRANT USAGE ON SEQUENCE dead_letters_id_seq TO wikipulse_writer;

-- Batch layer: its run log (INSERT ... RETURNING, UPDATE, SELECT ... FOR UPDATE), the staging tables
-- (INSERT, DELETE of a run's rows) and the swap (DELETE the historical rows, INSERT ... SELECT from
-- staging). Its advisory locks (pg_advisory_lock, pg_advisory_xact_lock) and pg_locks are open to
-- every role.
GRANT SELECT, INSERT, UPDATE ON batch_runs TO wikipulse_writer;
GRANT USAGE ON SEQUENCE batch_runs_run_id_seq TO wikipulse_writer;
GRANT SELECT, INSERT, DELETE
  ON staging_hourly_patterns, staging_hourly_trends, staging_top_contributors,
     staging_language_distribution, staging_server_rankings,
     historical_hourly_patterns, historical_hourly_trends, historical_top_contributors,
     historical_language_distribution, historical_server_rankings
  TO wikipulse_writer;

-- No DDL for anyone but the owner: PostgreSQL 15 no longer lets PUBLIC create in schema public
-- (older versions did; a no-op, with a warning, where the migrating user cannot change it), and
-- temporary tables are DDL too.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
DO $$
BEGIN
  EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
END
$$;
