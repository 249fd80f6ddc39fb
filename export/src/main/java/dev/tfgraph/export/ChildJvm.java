package dev.tfgraph.export;

import dev.tfgraph.graph.RunFailedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link VerifyMain} in a child JVM with a time and memory limit: loading a SavedModel is
 * native code, and a corrupt or hostile one can abort the whole JVM.
 */
public final class ChildJvm {
  static final long TIMEOUT_SECONDS = 180;

  private ChildJvm() {}

  public static void verify(Path model, Path input, Path output) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx2g");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(VerifyMain.class.getName());
    cmd.add(model.toString());
    cmd.add(input.toString());
    cmd.add(output.toString());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putIfAbsent("TF_CPP_MIN_LOG_LEVEL", "2");
    try {
      Process p = pb.start();
      boolean finished = p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (!finished) {
        p.destroyForcibly();
        throw new RunFailedException("verification of " + model + " did not finish within " + TIMEOUT_SECONDS + " s");
      }
      String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.exitValue() != 0) {
        String last = log.isEmpty() ? "" : log.substring(log.lastIndexOf('\n') + 1);
        throw new RunFailedException("verification of " + model + " failed in a child JVM (exit " + p.exitValue()
            + (p.exitValue() >= 128 ? ", killed by signal " + (p.exitValue() - 128) : "") + "): " + last);
      }
    } catch (IOException e) {
      throw new RunFailedException("cannot start a child JVM to verify " + model + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RunFailedException("interrupted while verifying " + model);
    }
  }
}
