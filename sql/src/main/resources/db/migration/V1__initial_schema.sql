-- WikiPulse schema, version 1: the real-time tables the speed layer writes, the five historical
-- tables the batch layer writes, the batch run log, and the dead-letter table every layer writes.
-- Every write is idempotent (INSERT ... ON CONFLICT on a natural key): runners re-execute bundles.

-- One row per kept recentchange event (event_id = meta.id, the de-duplication key).
CREATE TABLE realtime_recent_changes (
    event_id       text        PRIMARY KEY,
    event_time     timestamptz NOT NULL,
    meta_dt        text,
    type           text        NOT NULL,
    rc_id          bigint,
    namespace      integer,
    title          text,
    user_name      text,
    server_name    text        NOT NULL,
    wiki           text,
    language       text        NOT NULL,
    project        text        NOT NULL,
    comment        text,
    is_bot         boolean     NOT NULL,
    is_minor       boolean     NOT NULL,
    is_new_page    boolean     NOT NULL,
    length_diff    bigint      NOT NULL,
    bytes_changed  bigint      NOT NULL,
    revision_old   bigint,
    revision_new   bigint,
    log_type       text,
    log_action     text,
    ingested_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX realtime_recent_changes_time ON realtime_recent_changes (event_time);
CREATE INDEX realtime_recent_changes_server_time ON realtime_recent_changes (server_name, event_time);
CREATE INDEX realtime_recent_changes_user_time ON realtime_recent_changes (user_name, event_time);

-- Event-time windows of traffic (10 s by default), upserted as panes fire (late events correct them).
CREATE TABLE realtime_traffic_volume (
    window_start   timestamptz PRIMARY KEY,
    window_end     timestamptz NOT NULL,
    event_count    bigint      NOT NULL,
    total_bytes    bigint      NOT NULL,
    avg_bytes      double precision NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Records a stage could not process: the payload, where it came from, the stage and the reason.
CREATE TABLE dead_letters (
    id               bigserial   PRIMARY KEY,
    -- Natural key for idempotent writes: topic/partition/offset/stage for Kafka records,
    -- otherwise a digest of the payload and stage (set by the writer).
    record_key       text        NOT NULL UNIQUE,
    stage            text        NOT NULL,
    error            text        NOT NULL,
    payload          text        NOT NULL,
    source_topic     text,
    source_partition integer,
    source_offset    bigint,
    failed_at        timestamptz NOT NULL,
    recorded_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dead_letters_failed_at ON dead_letters (failed_at);

-- 1. Per UTC hour: volume, bytes, bots and humans.
CREATE TABLE historical_hourly_patterns (
    hour_bucket    timestamptz PRIMARY KEY,
    total_events   bigint      NOT NULL,
    total_bytes    bigint      NOT NULL,
    avg_bytes      double precision NOT NULL,
    bot_events     bigint      NOT NULL,
    human_events   bigint      NOT NULL,
    CHECK (bot_events + human_events = total_events)
);

-- 2. Per UTC hour, every hour of the range (empty ones too), with 24 h moving averages.
CREATE TABLE historical_hourly_trends (
    hour_bucket    timestamptz PRIMARY KEY,
    total_events   bigint      NOT NULL,
    total_bytes    bigint      NOT NULL,
    bot_count      bigint      NOT NULL,
    new_pages      bigint      NOT NULL,
    edits          bigint      NOT NULL,
    events_24h_avg double precision NOT NULL,
    bytes_24h_avg  double precision NOT NULL
);

-- 3. Top 100 contributors by edit count (ties broken by user name).
CREATE TABLE historical_top_contributors (
    user_name      text        NOT NULL,
    is_bot         boolean     NOT NULL,
    edit_count     bigint      NOT NULL,
    total_bytes    bigint      NOT NULL,
    pages_created  bigint      NOT NULL,
    PRIMARY KEY (user_name, is_bot)
);

-- 4. Every (language, project) pair.
CREATE TABLE historical_language_distribution (
    language       text        NOT NULL,
    project        text        NOT NULL,
    edit_count     bigint      NOT NULL,
    total_bytes    bigint      NOT NULL,
    bot_edits      bigint      NOT NULL,
    new_pages      bigint      NOT NULL,
    PRIMARY KEY (language, project)
);

-- 5. Top 50 servers by edit count, with exact distinct users, rank and percent rank.
CREATE TABLE historical_server_rankings (
    server_name    text        PRIMARY KEY,
    language       text        NOT NULL,
    project        text        NOT NULL,
    edit_count     bigint      NOT NULL,
    total_bytes    bigint      NOT NULL,
    unique_users   bigint      NOT NULL,
    rank           integer     NOT NULL,
    percentile     double precision NOT NULL
);

-- One row per batch run: what it read, what it dropped, how it ended.
CREATE TABLE batch_runs (
    run_id             bigserial   PRIMARY KEY,
    range_from         timestamptz,
    range_to           timestamptz,
    events_read        bigint,
    duplicates_dropped bigint,
    started_at         timestamptz NOT NULL DEFAULT now(),
    finished_at        timestamptz,
    status             text        NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    runner             text        NOT NULL,
    message            text
);
