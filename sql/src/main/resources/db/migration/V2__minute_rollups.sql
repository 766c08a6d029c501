-- WikiPulse schema, version 2: per-minute rollups of the kept events, so that the dashboard answers
-- any window (5 min ... 24 h) under any of its filters (wiki = server_name, bot/human = is_bot,
-- namespace, event type) from pre-aggregated rows, never from the raw events (~3 M a day).
--
-- Written by the speed layer (AggregateMinuteRollups -> WriteMinuteRollups) like
-- realtime_traffic_volume: event-time 1-minute windows, accumulating panes, each pane upserted by the
-- table's natural key. Panes of a window only grow, so the guard "t.event_count < EXCLUDED.event_count"
-- keeps an older pane (a retried bundle, an early pane of a re-run) from overwriting a newer total,
-- and makes a pane equal to what is stored (the on-time pane after the last early one, a re-run) a
-- no-op that writes no new row version.
-- Every kept event is counted exactly once in each table, so each table sums to the same totals as
-- realtime_recent_changes over the same minutes. `minute` is the window start (UTC).
--
-- Why three tables. The cube answers every chart and KPI that needs no page or user: events and bytes
-- over time, events/s, edits by server, top servers, languages, severity, additions vs deletions,
-- namespaces. Most edited pages and the user engagement histogram need one row per page and per user;
-- putting title or user_name into the cube would multiply its rows by the dimensions it already has
-- (severity x language x ...), so pages and users get narrow tables of their own.
--
-- Why these keys. namespace, type and is_bot are in every key, so every filter applies to every table
-- exactly; in the page and user tables they add few rows (a title has one namespace; a user in one
-- minute mostly edits one wiki, one namespace, one type). language and project are functions of
-- server_name (RecentChangeParser), so they are stored beside it for grouping but are not part of the
-- key. namespace, title and user_name are optional in the event schema and may be NULL: the keys are
-- UNIQUE NULLS NOT DISTINCT constraints (PostgreSQL 15+), not primary keys, which cannot hold a NULL;
-- a sentinel value would be one more rule for every reader to know.
--
-- Sizes (a live day: ~3 M kept events, ~2,100 a minute, ~1,000 wikis). On the recorded sample, 5,997
-- kept events make 210 cube rows, 4,805 page rows and 509 user rows. Live, the cube has one row per
-- active (wiki, namespace, type, bot, severity) a minute: a few hundred, well under 1 M a day, ~80 bytes
-- each, against 3 M raw rows of ~400 bytes. Pages compress least: distinct pages a minute are close to
-- events a minute (bots repeat items), so ~1.5-2.5 M rows a day. Measured on a synthetic 24 h of
-- 1,500 page rows a minute (2.16 M rows, 480 MB) on a shared 2-core machine: top 12 pages over 1 h in
-- 0.2 s, over 24 h for one wiki in 0.7 s, over 24 h for all wikis 3-13 s. No per-minute layout avoids
-- that last one (a day has ~1 M distinct pages, and an exact top 12 under arbitrary filters must sum
-- them all); the serving layer should compute long page and user windows in the background and cache
-- them for a minute, and an hourly tier can be added if measurements on live data ask for it. Keeping
-- only heavy hitters was rejected: it is wrong for small wikis and filtered views.
--
-- Retention: ./wikipulse retention deletes by `minute`, the leading key column, in bounded batches.
-- fillfactor 90: rows of open minutes are updated by every pane; free space on the page lets those
-- updates stay HOT (no index writes).

-- The cube: one row per minute and combination of every filter and breakdown dimension.
CREATE TABLE realtime_minute_rollups (
    minute         timestamptz NOT NULL,
    server_name    text        NOT NULL,
    language       text        NOT NULL,
    project        text        NOT NULL,
    namespace      integer,
    type           text        NOT NULL,
    is_bot         boolean     NOT NULL,
    -- EditSeverity by bytes changed: MAJOR above 1000, MODERATE above 100, else MINOR.
    severity       text        NOT NULL CHECK (severity IN ('MAJOR', 'MODERATE', 'MINOR')),
    event_count    bigint      NOT NULL CHECK (event_count > 0),
    total_bytes    bigint      NOT NULL,
    -- Sum of the positive length_diffs, and of the negative ones as a positive number.
    bytes_added    bigint      NOT NULL CHECK (bytes_added >= 0),
    bytes_removed  bigint      NOT NULL CHECK (bytes_removed >= 0),
    CHECK (total_bytes = bytes_added + bytes_removed),
    CONSTRAINT realtime_minute_rollups_key
        UNIQUE NULLS NOT DISTINCT (minute, server_name, namespace, type, is_bot, severity)
) WITH (fillfactor = 90);
CREATE INDEX realtime_minute_rollups_server_minute ON realtime_minute_rollups (server_name, minute);

-- Most edited pages: events and bytes per page a minute.
CREATE TABLE realtime_minute_pages (
    minute         timestamptz NOT NULL,
    server_name    text        NOT NULL,
    title          text,
    namespace      integer,
    type           text        NOT NULL,
    is_bot         boolean     NOT NULL,
    event_count    bigint      NOT NULL CHECK (event_count > 0),
    total_bytes    bigint      NOT NULL,
    CONSTRAINT realtime_minute_pages_key
        UNIQUE NULLS NOT DISTINCT (minute, server_name, title, namespace, type, is_bot)
) WITH (fillfactor = 90);
CREATE INDEX realtime_minute_pages_server_minute ON realtime_minute_pages (server_name, minute);

-- User engagement: events and bytes per user a minute (sum over the window, then count the users
-- with >= 10 events per bucket).
CREATE TABLE realtime_minute_users (
    minute         timestamptz NOT NULL,
    server_name    text        NOT NULL,
    user_name      text,
    namespace      integer,
    type           text        NOT NULL,
    is_bot         boolean     NOT NULL,
    event_count    bigint      NOT NULL CHECK (event_count > 0),
    total_bytes    bigint      NOT NULL,
    CONSTRAINT realtime_minute_users_key
        UNIQUE NULLS NOT DISTINCT (minute, server_name, user_name, namespace, type, is_bot)
) WITH (fillfactor = 90);
CREATE INDEX realtime_minute_users_server_minute ON realtime_minute_users (server_name, minute);
