-- 24 h of synthetic real-time data at the live feed's rate, for the serving benchmark
-- (bench/serving-bench.sh). Shapes follow the live feed as the V2 migration describes it: ~2,100 kept
-- events a minute over ~1,000 wikis with a heavy head (Wikidata, Commons, English Wikipedia),
-- a few hundred cube rows, ~1,500 page rows and ~500 user rows a minute, and ~3 M raw events.
-- Deterministic: setseed. Times end at the current minute, so every window of the dashboard is full.
SELECT setseed(0.42);

CREATE TEMP TABLE wikis AS
SELECT i AS id,
       CASE i WHEN 1 THEN 'www.wikidata.org' WHEN 2 THEN 'commons.wikimedia.org' WHEN 3 THEN 'en.wikipedia.org'
              ELSE 'w' || i || '.wikipedia.org' END AS server_name,
       CASE i WHEN 1 THEN 'wikidata' WHEN 2 THEN 'commons' WHEN 3 THEN 'en' ELSE 'l' || i END AS language,
       CASE i WHEN 1 THEN 'wikidata' WHEN 2 THEN 'commons' ELSE 'wikipedia' END AS project,
       -- Zipf-like share of the traffic
       (1.0 / i) AS weight
FROM generate_series(1, 1000) i;

CREATE TEMP TABLE minutes AS
SELECT m AS minute, row_number() OVER (ORDER BY m) AS n
FROM generate_series(date_trunc('minute', now()) - interval '1439 minutes', date_trunc('minute', now()), interval '1 minute') m;

-- Cube: per minute, the 60 busiest wikis in every (namespace, type, bot, severity) they use, plus a
-- rotating tail of 240 small wikis with one combination each: ~300 rows a minute.
INSERT INTO realtime_minute_rollups
SELECT m.minute, w.server_name, w.language, w.project, c.ns, c.type, c.bot, c.sev,
       greatest(1, (w.weight * 400 * c.share * (0.5 + random()))::bigint) AS event_count,
       0, 0, 0
FROM minutes m
JOIN wikis w ON w.id <= 60
CROSS JOIN (VALUES (0, 'edit', true, 'MINOR', 0.35), (0, 'edit', false, 'MINOR', 0.2),
                   (0, 'edit', false, 'MODERATE', 0.1), (0, 'edit', false, 'MAJOR', 0.05),
                   (0, 'new', false, 'MAJOR', 0.04), (14, 'edit', true, 'MINOR', 0.08),
                   (2, 'edit', false, 'MINOR', 0.05), (6, 'log', false, 'MINOR', 0.1),
                   (4, 'edit', false, 'MODERATE', 0.03)) AS c(ns, type, bot, sev, share)
UNION ALL
SELECT m.minute, w.server_name, w.language, w.project, 0, 'edit', false, 'MINOR', 1 + (random() * 3)::int, 0, 0, 0
FROM minutes m JOIN wikis w ON w.id > 60 AND (w.id + m.n) % 4 = 0;
UPDATE realtime_minute_rollups SET
  total_bytes = event_count * CASE severity WHEN 'MAJOR' THEN 2500 WHEN 'MODERATE' THEN 400 ELSE 40 END,
  bytes_added = event_count * CASE severity WHEN 'MAJOR' THEN 2000 WHEN 'MODERATE' THEN 300 ELSE 25 END,
  bytes_removed = event_count * CASE severity WHEN 'MAJOR' THEN 500 WHEN 'MODERATE' THEN 100 ELSE 15 END;

-- Pages: ~1,500 rows a minute; titles drawn from a heavy-tailed pool so the top pages repeat.
INSERT INTO realtime_minute_pages
SELECT m.minute, w.server_name, 'Page ' || (floor(power(random(), 3) * 200000))::int, 0, 'edit', random() < 0.3,
       1 + (random() * 2)::int, (random() * 800)::bigint
FROM minutes m
CROSS JOIN generate_series(1, 1500) k
JOIN wikis w ON w.id = 1 + (floor(power(random(), 4) * 999))::int
ON CONFLICT DO NOTHING;

-- Users: ~500 rows a minute, from a pool of 60,000 users with a heavy head.
INSERT INTO realtime_minute_users
SELECT m.minute, w.server_name, 'User ' || (floor(power(random(), 3) * 60000))::int, 0, 'edit', random() < 0.3,
       1 + (random() * 6)::int, (random() * 3000)::bigint
FROM minutes m
CROSS JOIN generate_series(1, 500) k
JOIN wikis w ON w.id = 1 + (floor(power(random(), 4) * 999))::int
ON CONFLICT DO NOTHING;

-- Raw events: 3 M over the day (~35 a second).
INSERT INTO realtime_recent_changes (event_id, event_time, type, namespace, title, user_name, server_name,
  language, project, is_bot, is_minor, is_new_page, length_diff, bytes_changed)
SELECT 'bench-' || i, now() - (i * interval '28.8 milliseconds'), 'edit', 0, 'Page ' || (i % 200000),
       'User ' || (i % 60000), w.server_name, w.language, w.project, i % 3 = 0, false, false,
       ((i * 7919) % 4001) - 2000, abs(((i * 7919) % 4001) - 2000)
FROM generate_series(1::bigint, 3000000::bigint) i
JOIN wikis w ON w.id = 1 + ((i % 37) * (i % 27))::int;

-- The batch layer's language and server views, as a batch run over the same day would give them
-- (computed here from the day's rollups), so that every chart of the history page has data.
INSERT INTO historical_language_distribution (language, project, edit_count, total_bytes, bot_edits, new_pages)
SELECT language, project, sum(event_count), sum(total_bytes),
       coalesce(sum(event_count) FILTER (WHERE is_bot), 0), coalesce(sum(event_count) FILTER (WHERE type = 'new'), 0)
FROM realtime_minute_rollups GROUP BY language, project
ON CONFLICT DO NOTHING;
INSERT INTO historical_server_rankings (server_name, language, project, edit_count, total_bytes, unique_users, rank, percentile)
SELECT server_name, language, project, edits, bytes,
       (SELECT count(DISTINCT u.user_name) FROM realtime_minute_users u WHERE u.server_name = ranked.server_name),
       rank, percentile
FROM (SELECT s.*, rank() OVER (ORDER BY edits DESC, server_name)::int AS rank,
             percent_rank() OVER (ORDER BY edits DESC) AS percentile
      FROM (SELECT server_name, min(language) AS language, min(project) AS project,
                   sum(event_count) AS edits, sum(total_bytes) AS bytes
            FROM realtime_minute_rollups GROUP BY server_name) s) ranked
WHERE rank <= 50
ON CONFLICT DO NOTHING;

ANALYZE;
SELECT (SELECT count(*) FROM realtime_minute_rollups) AS cube_rows,
       (SELECT count(*) FROM realtime_minute_pages) AS page_rows,
       (SELECT count(*) FROM realtime_minute_users) AS user_rows,
       (SELECT count(*) FROM realtime_recent_changes) AS raw_events,
       (SELECT sum(event_count) FROM realtime_minute_rollups) AS cube_events;
