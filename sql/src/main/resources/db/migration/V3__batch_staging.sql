-- Staging tables of the batch layer. A batch run writes its five results here, keyed by its
-- run_id, while the dashboard keeps reading the historical tables; when every row is staged, one
-- transaction replaces the contents of all five historical tables with the staged rows of the run
-- and deletes them from staging. Readers therefore see the old tables or the new ones, never a
-- half-written or empty table; a failed run never reaches that transaction.
--
-- The columns are the historical table's (LIKE copies columns and NOT NULL, not the CHECKs and keys:
-- a bad row must fail the swap, where the historical table's constraints apply). UNLOGGED: staged
-- rows are only needed until the swap, and a crash fails the run anyway.
-- Named V3: V2 is taken by another change (V2__minute_rollups.sql).

CREATE UNLOGGED TABLE staging_hourly_patterns (
    run_id bigint NOT NULL,
    LIKE historical_hourly_patterns,
    PRIMARY KEY (run_id, hour_bucket)
);

CREATE UNLOGGED TABLE staging_hourly_trends (
    run_id bigint NOT NULL,
    LIKE historical_hourly_trends,
    PRIMARY KEY (run_id, hour_bucket)
);

CREATE UNLOGGED TABLE staging_top_contributors (
    run_id bigint NOT NULL,
    LIKE historical_top_contributors,
    PRIMARY KEY (run_id, user_name, is_bot)
);

CREATE UNLOGGED TABLE staging_language_distribution (
    run_id bigint NOT NULL,
    LIKE historical_language_distribution,
    PRIMARY KEY (run_id, language, project)
);

CREATE UNLOGGED TABLE staging_server_rankings (
    run_id bigint NOT NULL,
    LIKE historical_server_rankings,
    PRIMARY KEY (run_id, server_name)
);

