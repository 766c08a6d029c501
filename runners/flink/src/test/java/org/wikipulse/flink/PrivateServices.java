package org.wikipulse.flink;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wikipulse.testing.TestServices;

/**
 * Services a fault-injection test owns and may stop, kill and start again: an embedded PostgreSQL
 * (module {@code services/embedded-postgres}) or an S3 server (S3Proxy, module {@code
 * services/s3-server}), each a child process on a free port with its data in a folder of the test,
 * started the way {@code ./wikipulse services} and {@code demo} start them. Never the shared
 * services of {@code ./wikipulse test}. Reads: the service modules' {@code target/classpath.txt}.
 */
final class PrivateServices {
  private static final Logger LOG = LoggerFactory.getLogger(PrivateServices.class);

  private PrivateServices() {}

  /** A port nothing listens on right now (the OS picks it). */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static boolean portOpen(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The directory holding the {@code wikipulse} launcher. */
  static Path projectRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.exists(p.resolve("wikipulse")) && Files.isDirectory(p.resolve("services"))) {
        return p;
      }
    }
    throw new IllegalStateException("cannot find the project root above " + Path.of("").toAbsolutePath());
  }

  /** A service module's runtime classpath, as the launcher builds it. */
  static String moduleClasspath(String module) throws IOException {
    Path dir = projectRoot().resolve(module).resolve("target");
    Path list = dir.resolve("classpath.txt");
    if (!Files.exists(list)) {
      throw new IllegalStateException(list + " is missing: package " + module + " first (mvn verify from the root does)");
    }
    return dir.resolve("classes") + java.io.File.pathSeparator + Files.readString(list).trim();
  }

  /** One child process that can be stopped and started again with the same command. */
  static final class Child {
    private final String name;
    private final List<String> command;
    private final Path log;
    private final Predicate<String> ready;
    private Process process;
    private int starts;

    Child(String name, List<String> command, Path log, Predicate<String> ready) {
      this.name = name;
      this.command = List.copyOf(command);
      this.log = log;
      this.ready = ready;
    }

    /** Starts the process and waits until its log says it is ready; returns the milliseconds it took. */
    long start() throws Exception {
      long t0 = System.nanoTime();
      starts++;
      Path thisLog = log.resolveSibling(log.getFileName() + "." + starts);
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(thisLog.toFile());
      process = pb.start();
      Process started = process;
      // Should this JVM end before the test's own clean-up (a timeout, Ctrl-C), stop the service too.
      Runtime.getRuntime().addShutdownHook(new Thread(started::destroy, "stop " + name));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!ready.test(Files.exists(thisLog) ? Files.readString(thisLog) : "")) {
        if (!process.isAlive()) {
          throw new IllegalStateException(name + " exited during start-up:\n" + tail(thisLog));
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(name + " not ready after 120 s:\n" + tail(thisLog));
        }
        Thread.sleep(100);
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      LOG.info("{} started (pid {}) in {} ms", name, process.pid(), ms);
      return ms;
    }

    /** SIGTERM (the service shuts down cleanly), SIGKILL after 60 s. */
    void stop() throws InterruptedException {
      if (process != null && process.isAlive()) {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
        LOG.info("{} stopped (exit {})", name, process.exitValue());
      }
    }

    /** SIGKILL: the server vanishes mid-request. */
    void kill() throws InterruptedException {
      if (process != null && process.isAlive()) {
        process.destroyForcibly().waitFor();
        LOG.info("{} killed", name);
      }
    }
  }

  /**
   * An embedded PostgreSQL 15 on {@code port} with its data in {@code dataDir} (kept across
   * restarts), as {@code ./wikipulse demo} runs it; SIGTERM makes it shut down ("fast" mode: clients
   * get 57P01 and lose their connections).
   */
  static Child embeddedPostgres(int port, Path dataDir, Path binaries, Path log) throws IOException {
    Files.createDirectories(dataDir);
    Files.createDirectories(binaries);
    List<String> command = new ArrayList<>();
    command.add(java());
    command.add("-Xmx256m");
    command.add("-XX:+UseSerialGC");
    command.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
    command.add("-cp");
    command.add(moduleClasspath("services/embedded-postgres"));
    command.add("org.wikipulse.services.EmbeddedPostgresMain");
    command.add(Integer.toString(port));
    command.add(dataDir.toString());
    command.add(binaries.toString());
    return new Child("embedded PostgreSQL :" + port, command, log, out -> out.contains("embedded PostgreSQL ready"));
  }

  /**
   * An S3 server (S3Proxy, filesystem backend) on {@code port} keeping buckets as folders of {@code
   * baseDir}, with the test credentials; {@code bucket} is created as a folder first.
   */
  static Child s3Server(int port, Path baseDir, String bucket, Path runDir) throws IOException {
    Files.createDirectories(baseDir.resolve(bucket));
    Files.createDirectories(runDir);
    Path root = projectRoot();
    String props =
        Files.readString(root.resolve("services/s3-server/config/s3proxy.properties.template"))
            .replace("@HOST@", "127.0.0.1")
            .replace("@PORT@", Integer.toString(port))
            .replace("@ACCESS_KEY@", TestServices.SETTINGS.s3AccessKey())
            .replace("@SECRET_KEY@", TestServices.SETTINGS.s3SecretKey())
            .replace("@BASEDIR@", baseDir.toString());
    Path propsFile = runDir.resolve("s3proxy.properties");
    Files.writeString(propsFile, props);
    List<String> command = new ArrayList<>();
    command.add(java());
    command.add("-Xmx256m");
    command.add("-XX:+UseSerialGC");
    command.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
    command.add("-Dwikipulse.logs.dir=" + runDir);
    command.add("-Dlogback.configurationFile=" + root.resolve("services/s3-server/config/logback.xml"));
    command.add("-cp");
    command.add(moduleClasspath("services/s3-server"));
    command.add("org.gaul.s3proxy.Main");
    command.add("--properties");
    command.add(propsFile.toString());
    // S3Proxy logs to its own file; it is ready when its port answers.
    return new Child("S3 server :" + port, command, runDir.resolve("s3proxy.out"), out -> portOpen(port));
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Deletes {@code dir} and everything in it (a stopped service's data: ~50 MB for PostgreSQL). */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
