package org.wikipulse.bridge;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.wikipulse.common.Settings;

/**
 * The bridge as a real separate process: {@code java -cp <this JVM's class path>
 * org.wikipulse.bridge.BridgeMain ARGS}, with its own {@code WIKIPULSE_*} environment, stdout and stderr
 * going to files in the test's folder.
 *
 * <p>Reads: the process's output files. Writes: those files; starts and signals the process.
 */
final class BridgeProcess {

  static final String TEST_USER_AGENT = "WikiPulseBridgeTest/1.0 (bridge-tests@example.org)";

  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private BridgeProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** Starts the bridge; {@code name} names its output files in {@code workDir}. */
  static BridgeProcess start(
      Path workDir, String name, String bootstrap, String topic, Path dataDir, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(BridgeMain.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.put(Settings.KAFKA_BOOTSTRAP, bootstrap);
    env.put(Settings.TOPIC, topic);
    env.put(Settings.DATA_DIR, dataDir.toString());
    env.put(Settings.USER_AGENT, TEST_USER_AGENT);
    Path out = workDir.resolve(name + ".out");
    Path err = workDir.resolve(name + ".err");
    builder.redirectOutput(out.toFile());
    builder.redirectError(err.toFile());
    return new BridgeProcess(builder.start(), out, err);
  }

  /** Waits for the exit; fails (after killing it) when it takes longer than {@code seconds}. */
  int waitFor(int seconds) throws Exception {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("bridge did not exit within " + seconds + " s\n" + describe());
    }
    return process.exitValue();
  }

  /** SIGTERM. */
  void terminate() {
    process.destroy();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  void kill() {
    process.destroyForcibly();
  }

  String stdout() throws IOException {
    return Files.readString(stdout, StandardCharsets.UTF_8);
  }

  String stderr() throws IOException {
    return Files.readString(stderr, StandardCharsets.UTF_8);
  }

  /** The output for failure messages (the end of stderr). */
  String describe() throws IOException {
    String err = stderr();
    return "stdout:\n" + stdout() + "\nstderr (end):\n" + err.substring(Math.max(0, err.length() - 4000));
  }
}
