package org.wikipulse.bridge;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.wikipulse.common.Settings;

/**
 * The bridge's command line. Kafka bootstrap servers, topic, data folder and the default User-Agent come
 * from {@link Settings} (the {@code WIKIPULSE_*} environment); the flags below choose the source and how
 * to read it. Flags take their value as the next argument or after {@code =}.
 *
 * <p>Reads: the arguments and the settings. Writes: nothing.
 */
public final class BridgeOptions {

  public static final String DEFAULT_SOURCE = "https://stream.wikimedia.org/v2/stream/recentchange";

  /** Thrown for a command line that cannot be used; the CLI prints it with the usage and exits 2. */
  public static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  private static final java.util.Set<String> FLAGS_WITH_VALUE =
      java.util.Set.of(
          "--source",
          "--rate",
          "--limit",
          "--since",
          "--user-agent",
          "--position-file",
          "--producer-property",
          "--seed");

  /** Flags without a value. */
  private static final java.util.Set<String> SWITCHES = java.util.Set.of("--synthetic", "--loop");

  /** Events per second of {@code --synthetic} and {@code --loop} when {@code --rate} is not given. */
  public static final double DEFAULT_GENERATED_RATE = 35;

  private String source = DEFAULT_SOURCE;
  private boolean sourceGiven;
  private boolean synthetic;
  private boolean loop;
  private Long seed;
  private double rate;
  private long limit;
  private Instant since;
  private String userAgent;
  private Path positionFile;
  private final Map<String, String> producerProperties = new LinkedHashMap<>();
  private boolean help;
  private final String kafkaBootstrap;
  private final String topic;
  private final Path dataDir;

  private BridgeOptions(Settings settings) {
    this.kafkaBootstrap = settings.kafkaBootstrap();
    this.topic = settings.topic();
    this.dataDir = settings.dataDir();
    this.userAgent = settings.userAgent();
  }

  public static String usage() {
    return String.join(
        "\n",
        "Usage: wikipulse bridge [--source URL|FILE [--loop] | --synthetic [--seed N]] [options]",
        "",
        "Publishes Wikimedia recentchange events to Kafka (topic $WIKIPULSE_TOPIC at",
        "$WIKIPULSE_KAFKA_BOOTSTRAP), unchanged, keyed by server_name.",
        "",
        "  --source SRC              an EventStreams (SSE) URL, or a recorded file.ndjson / file.ndjson.gz",
        "                            (default " + DEFAULT_SOURCE + ")",
        "  --loop                    file replay: start again at the end, with fresh meta.id and the send",
        "                            time as meta.dt/timestamp (so de-duplication keeps the repeats);",
        "                            runs until stopped or --limit",
        "  --synthetic               generate realistic events instead of reading a source (a mix of wikis,",
        "                            types, bots, namespaces and edit sizes like the live feed's)",
        "  --seed N                  --synthetic: the generator's seed; the same seed gives the same events",
        "                            and ids (default: a random seed)",
        "  --rate N                  file replay and --synthetic: at most N events per second (default:",
        "                            unlimited for a file, " + (int) DEFAULT_GENERATED_RATE + " with --loop or --synthetic)",
        "  --limit N                 stop after N events (default: no limit)",
        "  --since TIME              SSE: start at this time (ISO-8601, e.g. 2025-05-03T07:46:00Z) when",
        "                            no saved position exists",
        "  --user-agent S            HTTP User-Agent with your contact details (default $WIKIPULSE_USER_AGENT)",
        "  --position-file P         SSE: where the resume position is kept",
        "                            (default $WIKIPULSE_DATA_DIR/bridge/position-<hash of URL>.txt)",
        "  --producer-property K=V   a Kafka producer setting (repeatable), e.g. delivery.timeout.ms=30000",
        "  --help                    this text",
        "",
        "Exit status: 0 done or stopped by SIGTERM/Ctrl-C, 1 fatal error (e.g. a Kafka send failed),",
        "2 bad command line.");
  }

  /** Parses {@code args}; throws {@link UsageException} with a message naming the bad flag. */
  public static BridgeOptions parse(String[] args, Settings settings) throws UsageException {
    BridgeOptions o = new BridgeOptions(settings);
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String flag = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        flag = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      if (flag.equals("--help") || flag.equals("-h")) {
        o.help = true;
        continue;
      }
      if (!flag.startsWith("--")) {
        throw new UsageException("unexpected argument '" + arg + "'");
      }
      if (SWITCHES.contains(flag)) {
        if (value != null) {
          throw new UsageException(flag + " takes no value");
        }
        if (flag.equals("--synthetic")) {
          o.synthetic = true;
        } else {
          o.loop = true;
        }
        continue;
      }
      if (!FLAGS_WITH_VALUE.contains(flag)) {
        throw new UsageException("unknown option '" + flag + "'");
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new UsageException(flag + " needs a value");
        }
        value = args[++i];
      }
      switch (flag) {
        case "--source" -> {
          o.source = requireNonBlank(flag, value);
          o.sourceGiven = true;
        }
        case "--seed" -> {
          try {
            o.seed = Long.parseLong(value.trim());
          } catch (NumberFormatException e) {
            throw new UsageException("--seed needs a whole number, got '" + value + "'");
          }
        }
        case "--rate" -> o.rate = parsePositiveDouble(flag, value);
        case "--limit" -> o.limit = parsePositiveLong(flag, value);
        case "--since" -> o.since = parseTime(value);
        case "--user-agent" -> o.userAgent = requireNonBlank(flag, value);
        case "--position-file" -> o.positionFile = Path.of(requireNonBlank(flag, value));
        case "--producer-property" -> {
          int kv = value.indexOf('=');
          if (kv <= 0) {
            throw new UsageException("--producer-property needs KEY=VALUE, got '" + value + "'");
          }
          o.producerProperties.put(value.substring(0, kv).trim(), value.substring(kv + 1).trim());
        }
        default -> throw new UsageException("unknown option '" + flag + "'");
      }
    }
    if (o.synthetic && o.sourceGiven) {
      throw new UsageException("--synthetic and --source exclude each other: choose one source");
    }
    if (o.seed != null && !o.synthetic) {
      throw new UsageException("--seed applies to --synthetic only");
    }
    if (o.loop && (o.synthetic || o.isStream())) {
      throw new UsageException("--loop applies to a recorded file (--source FILE) only");
    }
    return o;
  }

  private static String requireNonBlank(String flag, String value) throws UsageException {
    if (value.isBlank()) {
      throw new UsageException(flag + " needs a non-empty value");
    }
    return value.trim();
  }

  private static double parsePositiveDouble(String flag, String value) throws UsageException {
    try {
      double d = Double.parseDouble(value.trim());
      if (!(d > 0) || Double.isInfinite(d)) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new UsageException(flag + " needs a positive number, got '" + value + "'");
    }
  }

  private static long parsePositiveLong(String flag, String value) throws UsageException {
    try {
      long n = Long.parseLong(value.trim());
      if (n <= 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException(flag + " needs a positive whole number, got '" + value + "'");
    }
  }

  /** Accepts an instant ({@code ...Z}), a date-time with offset, or a date (midnight UTC). */
  static Instant parseTime(String value) throws UsageException {
    String v = value.trim();
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException ignored) {
      // try the next form
    }
    try {
      return OffsetDateTime.parse(v).toInstant();
    } catch (DateTimeParseException ignored) {
      // try the next form
    }
    try {
      return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      throw new UsageException(
          "--since needs an ISO-8601 time such as 2025-05-03T07:46:00Z, got '" + value + "'");
    }
  }

  /** True when the source is an http(s) URL (an SSE stream); otherwise it is a file to replay. */
  public boolean isStream() {
    if (synthetic) {
      return false;
    }
    String s = source.toLowerCase(Locale.ROOT);
    return s.startsWith("http://") || s.startsWith("https://");
  }

  public String source() {
    return source;
  }

  /** Events per second for file replay; 0 means unlimited. */
  public double rate() {
    return rate;
  }

  /**
   * Events per second of the file or generator: {@code --rate}, or {@link #DEFAULT_GENERATED_RATE}
   * with {@code --synthetic} or {@code --loop} (an endless source must be paced), or 0 (unpaced).
   */
  public double effectiveRate() {
    if (rate > 0) {
      return rate;
    }
    return synthetic || loop ? DEFAULT_GENERATED_RATE : 0;
  }

  /** True for {@code --synthetic}: events come from {@link SyntheticEvents}. */
  public boolean synthetic() {
    return synthetic;
  }

  /** True for {@code --loop}: a file is replayed again and again with fresh ids and times. */
  public boolean loop() {
    return loop;
  }

  /** The {@code --seed}, or a seed drawn now (so two runs do not repeat each other's ids). */
  public long seed() {
    if (seed == null) {
      seed = new java.security.SecureRandom().nextLong();
    }
    return seed;
  }

  /** Events to publish before stopping; 0 means no limit. */
  public long limit() {
    return limit;
  }

  /** The {@code --since} time, or null. */
  public Instant since() {
    return since;
  }

  public String userAgent() {
    return userAgent;
  }

  public boolean userAgentIsDefault() {
    return Settings.DEFAULT_USER_AGENT.equals(userAgent);
  }

  /** The position file: {@code --position-file}, or the default for this source. */
  public Path positionFile() {
    return positionFile != null ? positionFile : PositionStore.defaultFile(dataDir, source);
  }

  public Map<String, String> producerProperties() {
    return Map.copyOf(producerProperties);
  }

  public boolean help() {
    return help;
  }

  public String kafkaBootstrap() {
    return kafkaBootstrap;
  }

  public String topic() {
    return topic;
  }
}
