package org.wikipulse.bench;

import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Bench-only baseline for the batch layer: the five historical views of runners/spark/README.md
 * ("The definitions") as plain Spark SQL over the lake's raw-event Parquet files, de-duplicated by
 * {@code event_id} first, then the noise rules (types edit/new/log, no talk namespaces, no canary).
 * Reads: the Parquet files under the given directory or URI ({@code year=*}/{@code month=*}).
 * Writes: nothing but a line per view to stdout (row counts and a checksum; the Beam run writes the
 * same rows to PostgreSQL).
 *
 * <pre>{@code
 * java $(cat runners/spark/target/java-options.txt) -cp bench/sparksql/target/classes:$(cat
 *   bench/sparksql/target/classpath.txt) org.wikipulse.bench.SparkSqlBaseline 'local[2]' \
 *   /tmp/wt-bench-services/s3/wikipulse-lake/bench-1000000-seed42/raw_events
 * }</pre>
 */
public final class SparkSqlBaseline {
  private SparkSqlBaseline() {}

  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: SparkSqlBaseline MASTER LAKE_RAW_EVENTS_DIR");
      System.exit(2);
    }
    long t0 = System.nanoTime();
    SparkSession spark =
        SparkSession.builder()
            .appName("wikipulse-sparksql-baseline")
            .master(args[0])
            .config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "8")
            .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    long started = System.nanoTime();

    spark.read().option("basePath", args[1]).parquet(args[1] + "/year=*/month=*/*.parquet")
        .select("event_id", "event_time", "domain", "type", "namespace", "user_name", "server_name",
            "language", "project", "is_bot", "bytes_changed")
        .createOrReplaceTempView("lake");
    // One row per event_id (the smallest by the batch layer's KEEP_ORDER), then the noise rules.
    spark.sql(
            "SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY event_id ORDER BY event_time, "
                + "server_name, type, user_name NULLS FIRST, bytes_changed, is_bot, language, project) AS rn "
                + "FROM lake) WHERE rn = 1 AND type IN ('edit', 'new', 'log') "
                + "AND (namespace IS NULL OR pmod(namespace, 2) = 0) AND (domain IS NULL OR domain <> 'canary')")
        .cache()
        .createOrReplaceTempView("ev");
    spark.sql(
            "SELECT date_trunc('HOUR', event_time) AS h, count(*) AS n, sum(bytes_changed) AS b, "
                + "count_if(is_bot) AS bots, count_if(type = 'new') AS np, count_if(type = 'edit') AS ed "
                + "FROM ev GROUP BY 1")
        .cache()
        .createOrReplaceTempView("agg");

    run(spark, "hourly_patterns",
        "SELECT h, n, b, b / n AS avg_bytes, bots, n - bots AS humans FROM agg ORDER BY h");
    run(spark, "hourly_trends",
        "WITH hours AS (SELECT explode(sequence(min(h), max(h), interval 1 hour)) AS h FROM agg), "
            + "filled AS (SELECT hours.h, coalesce(n, 0) AS n, coalesce(b, 0) AS b, coalesce(bots, 0) AS bots, "
            + "coalesce(np, 0) AS np, coalesce(ed, 0) AS ed FROM hours LEFT JOIN agg ON hours.h = agg.h) "
            + "SELECT h, n, b, bots, np, ed, avg(n) OVER w AS events_24h_avg, avg(b) OVER w AS bytes_24h_avg "
            + "FROM filled WINDOW w AS (ORDER BY h ROWS BETWEEN 23 PRECEDING AND CURRENT ROW) ORDER BY h");
    run(spark, "top_contributors",
        "SELECT user_name, is_bot, count(*) AS c, sum(bytes_changed) AS b, count_if(type = 'new') AS np "
            + "FROM ev WHERE user_name IS NOT NULL GROUP BY user_name, is_bot "
            + "ORDER BY c DESC, user_name, is_bot LIMIT 100");
    run(spark, "language_distribution",
        "SELECT language, project, count(*), sum(bytes_changed), count_if(is_bot), count_if(type = 'new') "
            + "FROM ev GROUP BY language, project ORDER BY language, project");
    run(spark, "server_rankings",
        "WITH s AS (SELECT server_name, min(language) AS language, min(project) AS project, "
            + "count(*) AS c, sum(bytes_changed) AS b, count(DISTINCT user_name) AS u FROM ev GROUP BY server_name) "
            + "SELECT * FROM (SELECT *, row_number() OVER (ORDER BY c DESC, server_name) AS r, "
            + "percent_rank() OVER (ORDER BY c DESC) AS pct FROM s) WHERE r <= 50 ORDER BY r");
    Row counts = spark.sql("SELECT (SELECT count(*) FROM lake), (SELECT count(*) FROM ev)").first();
    System.out.printf(Locale.ROOT,
        "sparksql: lake rows %d, kept distinct events %d; start-up %.1f s, total %.1f s%n",
        counts.getLong(0), counts.getLong(1), (started - t0) / 1e9, (System.nanoTime() - t0) / 1e9);
    spark.stop();
  }

  private static void run(SparkSession spark, String view, String sql) {
    long t0 = System.nanoTime();
    List<Row> rows = spark.sql(sql).collectAsList();
    System.out.printf(Locale.ROOT, "sparksql: %s %d rows (hash %08x) in %.1f s%n",
        view, rows.size(), rows.hashCode(), (System.nanoTime() - t0) / 1e9);
  }
}
