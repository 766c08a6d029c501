package org.wikipulse.flink;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;

/**
 * A Kafka broker of one test's own, started the way {@code ./wikipulse services up} starts the
 * project's broker (module {@code services/kafka-broker}: its server.properties template, KRaft
 * storage formatted once, {@code kafka.Kafka} in its own JVM with the same marker flags, the pid in
 * {@code <data dir>/run/kafka.pid}), on two free ports and a data dir under the build's temp folder,
 * so that a test may kill it without touching the broker every other test shares. {@link #kill()}
 * is {@code kill -9} of that pid; {@link #start()} again reuses the data dir and ports.
 *
 * <p>Reads: the module's classpath and template. Writes: the data dir (deleted by {@link #close()}).
 */
final class PrivateKafkaBroker implements AutoCloseable {
  private static final String HOST = "127.0.0.1";

  private final Path root;
  private final Path dataDir;
  private final int port;
  private final int controllerPort;
  private final String classpath;
  private final Path properties;
  private Process process;

  private PrivateKafkaBroker(Path root, Path dataDir, int port, int controllerPort) throws IOException {
    this.root = root;
    this.dataDir = dataDir;
    this.port = port;
    this.controllerPort = controllerPort;
    Path module = root.resolve("services/kafka-broker/target");
    Path classpathFile = module.resolve("classpath.txt");
    if (!Files.exists(classpathFile)) {
      throw new IllegalStateException(
          classpathFile + " is missing: package services/kafka-broker first (mvn verify from the root,"
              + " or ./wikipulse test, does)");
    }
    this.classpath = module.resolve("classes") + File.pathSeparator + Files.readString(classpathFile).trim();
    Files.createDirectories(dataDir.resolve("run"));
    Files.createDirectories(dataDir.resolve("logs"));
    Files.createDirectories(dataDir.resolve("tmp"));
    this.properties = dataDir.resolve("run/kafka-server.properties");
    String template =
        Files.readString(root.resolve("services/kafka-broker/config/server.properties.template"), StandardCharsets.UTF_8);
    Files.writeString(
        properties,
        template
            .replace("@HOST@", HOST)
            .replace("@PORT@", Integer.toString(port))
            .replace("@CONTROLLER_PORT@", Integer.toString(controllerPort))
            .replace("@LOG_DIRS@", dataDir.resolve("kafka").toString())
            .replace("@RETENTION_BYTES@", Long.toString(256L << 20)),
        StandardCharsets.UTF_8);
  }

  /** Formats the storage of a new broker in a fresh data dir and starts it; returns once it answers. */
  static PrivateKafkaBroker startNew(String name) throws Exception {
    Path root = projectRoot();
    Path dataDir = Files.createTempDirectory("wikipulse-" + name + "-kafka-");
    PrivateKafkaBroker broker = new PrivateKafkaBroker(root, dataDir, freePort(), freePort());
    try {
      broker.format();
      broker.start();
      return broker;
    } catch (Exception e) {
      broker.close();
      throw e;
    }
  }

  String bootstrap() {
    return HOST + ":" + port;
  }

  Path dataDir() {
    return dataDir;
  }

  private void format() throws Exception {
    Process p =
        new ProcessBuilder(
                java(), "-Xmx192m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dlog4j.configuration=file:" + root.resolve("services/kafka-broker/config/tools-log4j.properties"),
                "-cp", classpath, "kafka.tools.StorageTool", "format",
                "-t", Uuid.randomUuid().toString(), "-c", properties.toString(), "--ignore-formatted")
            .redirectErrorStream(true)
            .redirectOutput(dataDir.resolve("logs/format.out").toFile())
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("formatting Kafka storage failed: " + Files.readString(dataDir.resolve("logs/format.out")));
    }
  }

  /** Starts the broker on its data dir and ports; returns once its port accepts connections. */
  void start() throws Exception {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.add("-Dwikipulse.service=kafka");
    command.add("-Dwikipulse.data=" + dataDir);
    command.addAll(
        List.of(
            "-Xmx384m", "-Xms64m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-XX:+ExitOnOutOfMemoryError",
            "-Djava.awt.headless=true", "-Djava.io.tmpdir=" + dataDir.resolve("tmp"),
            "-Dkafka.logs.dir=" + dataDir.resolve("logs"),
            "-Dlog4j.configuration=file:" + root.resolve("services/kafka-broker/config/log4j.properties"),
            "-cp", classpath, "kafka.Kafka", properties.toString()));
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("logs/kafka.out").toFile()))
            .start();
    Files.writeString(dataDir.resolve("run/kafka.pid"), process.pid() + "\n");
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!answers()) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the private Kafka broker exited during start-up:\n" + logTail());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the private Kafka broker did not answer within 90 s:\n" + logTail());
      }
      Thread.sleep(100);
    }
  }

  /** {@code kill -9 $(cat <data dir>/run/kafka.pid)}, and waits until the process is gone. */
  void kill() throws Exception {
    long pid = Long.parseLong(Files.readString(dataDir.resolve("run/kafka.pid")).trim());
    ProcessHandle handle = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no process " + pid));
    handle.destroyForcibly();
    handle.onExit().get(30, TimeUnit.SECONDS);
  }

  boolean answers() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(HOST, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  String logTail() {
    try {
      Path log = dataDir.resolve("logs/kafka.log");
      List<String> lines = Files.readAllLines(Files.exists(log) ? log : dataDir.resolve("logs/kafka.out"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Kills the broker if it runs and deletes its data dir. */
  @Override
  public void close() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: it is under the build's temp folder
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    }
  }

  /** The directory holding the {@code wikipulse} launcher, from a module's working directory. */
  static Path projectRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.exists(p.resolve("wikipulse")) && Files.exists(p.resolve("services/kafka-broker"))) {
        return p;
      }
    }
    throw new IllegalStateException("cannot find the project root above " + Path.of("").toAbsolutePath());
  }
}
