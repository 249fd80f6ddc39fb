package dev.tfgraph.export.serving;

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
 *
 * <p>Internal: used by the exporter and the predictor; not an API.
 */
public final class ChildJvm {
  static final long TIMEOUT_SECONDS = 180;
  private static final java.util.concurrent.atomic.AtomicLong PROBES = new java.util.concurrent.atomic.AtomicLong();

  private ChildJvm() {}

  /**
   * Loads a freshly written SavedModel in a child JVM (2 GB heap, 180 s limit), runs
   * serving_default on the probe inputs and writes its output.
   *
   * @param model the SavedModel folder
   * @param input an .npz with one float array per model input, keyed by input name
   * @param output the .npy file the child writes serving_default's output to
   * @throws RunFailedException when the child cannot start, fails, is killed or times out
   */
  public static void verify(Path model, Path input, Path output) {
    run(model, List.of(model.toString(), input.toString(), output.toString()), "verification");
  }

  /**
   * As {@link #verify}, and in the same child, serving_images on the encoded images of a TFRecord
   * file (one image a record), its output written to {@code imagesOutput}.
   *
   * @param model the SavedModel folder
   * @param input an .npz with one float array per model input, keyed by input name
   * @param output the .npy file the child writes serving_default's output to
   * @param images a TFRecord file of encoded JPEG or PNG images, one a record
   * @param imagesOutput the .npy file the child writes serving_images' output to
   * @throws RunFailedException when the child cannot start, fails, is killed or times out
   */
  public static void verify(Path model, Path input, Path output, Path images, Path imagesOutput) {
    run(model, List.of(model.toString(), input.toString(), output.toString(), images.toString(), imagesOutput.toString()), "verification");
  }

  /**
   * Loads an untrusted SavedModel and runs it once on zeros in a child JVM (2 GB heap, time
   * limit): a model that aborts or hangs the child is reported as bad input, and this JVM lives on.
   *
   * @param model the SavedModel folder
   * @throws dev.tfgraph.graph.BadInputException when the child fails, is killed or times out on the model
   */
  public static void probe(Path model) {
    PROBES.incrementAndGet();
    try {
      run(model, List.of("--probe", model.toString()), "loading");
    } catch (RunFailedException e) {
      throw new dev.tfgraph.graph.BadInputException(e.getMessage() + " (the model is corrupt or hostile; nothing was loaded in this process)");
    }
  }

  /**
   * How many probes this process has started (each a child JVM): what the verified-model record saves.
   *
   * @return the number of {@link #probe} calls so far
   */
  public static long probes() {
    return PROBES.get();
  }

  private static void run(Path model, List<String> args, String what) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx2g");
    cmd.add("-D" + VerifyMain.PARENT + "=" + ProcessHandle.current().pid());
    cmd.add("-cp");
    cmd.add(CodeLocations.childClassPath());
    cmd.add(VerifyMain.class.getName());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putIfAbsent("TF_CPP_MIN_LOG_LEVEL", "2");
    try {
      Process p = pb.start();
      boolean finished = p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (!finished) {
        p.destroyForcibly();
        throw new RunFailedException(what + " of " + model + " did not finish within " + TIMEOUT_SECONDS + " s");
      }
      String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.exitValue() != 0) {
        String last = log.isEmpty() ? "" : log.substring(log.lastIndexOf('\n') + 1);
        throw new RunFailedException(what + " of " + model + " failed in a child JVM (exit " + p.exitValue()
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
