package dev.tfgraph.export.serving;

import dev.tfgraph.graph.io.Npy;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.io.Npz;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Child-JVM entry point: load a SavedModel, run serving_default on an input (.npy for a model of
 * one input, .npz keyed by input names), write the output (and with two more arguments, serving_images on the
 * encoded images of a TFRecord file, its output); or, with --probe, run one all-zero example.
 *
 * <p>This is the one class of the export module that prints, and it does so by design: it is the main
 * class of a child process, and its protocol with {@link ChildJvm} is its exit code and, on failure,
 * one line on its standard error ({@code <exception class>: <message>}), which the parent reads as
 * the reason it reports. Nothing in the parent's process calls it.
 *
 * <p>Internal: public only to be a main class; not an API.
 */
public final class VerifyMain {
  private VerifyMain() {}

  /** System property naming the pid of the JVM that started this child. */
  static final String PARENT = "tfgraph.parent";

  /**
   * Runs the child: {@code MODEL INPUT OUTPUT [IMAGES IMAGES_OUTPUT]}, or {@code --probe MODEL}.
   * Exits 0 on success, 3 on any failure (one line on standard error), 4 when the parent is gone.
   *
   * @param args the arguments above
   */
  public static void main(String[] args) {
    exitWithParent();
    if (args.length == 2 && args[0].equals("--probe")) {
      try (Predictor p = Predictor.load(Path.of(args[1]))) {
        Map<String, NpyArray> zeros = new LinkedHashMap<>();
        for (String name : p.inputNames()) {
          long[] shape = p.inputShape(name);
          long n = 1;
          for (int i = 0; i < shape.length; i++) {
            shape[i] = Math.max(shape[i], 1);
            n *= shape[i];
          }
          zeros.put(name, NpyArray.ofFloats(shape, new float[Math.toIntExact(n)]));
        }
        p.predict(zeros, 1);
      } catch (Throwable t) {
        System.err.println(t.getClass().getSimpleName() + ": " + t.getMessage());
        System.exit(3);
      }
      System.exit(0);
    }
    try (Predictor p = Predictor.load(Path.of(args[0]))) {
      Path in = Path.of(args[1]);
      NpyArray y = in.toString().endsWith(".npz") ? p.predict(Npz.read(in), 256) : p.predict(Npy.read(in), 256);
      write(Path.of(args[2]), y);
      if (args.length == 5) write(Path.of(args[4]), p.predictImages(dev.tfgraph.graph.io.TfRecords.readAll(Path.of(args[3])), 256));
    } catch (Throwable t) {
      System.err.println(t.getClass().getSimpleName() + ": " + t.getMessage());
      System.exit(3);
    }
    System.exit(0);
  }

  /**
   * A parent killed mid-export (SIGKILL runs no shutdown hook) must not leave this child writing
   * into a staging folder the next export is cleaning up: the child halts when its parent is gone.
   */
  static void exitWithParent() {
    String pid = System.getProperty(PARENT);
    if (pid == null) return;
    Optional<ProcessHandle> parent = ProcessHandle.of(Long.parseLong(pid));
    if (parent.isEmpty() || !parent.get().isAlive()) Runtime.getRuntime().halt(4);
    parent.get().onExit().thenRun(() -> Runtime.getRuntime().halt(4));
  }

  /** Writes into the work folder the parent made, never re-creating one it has removed. */
  static void write(Path file, NpyArray a) throws IOException {
    if (!Files.isDirectory(file.getParent())) throw new IOException(file.getParent() + " is gone");
    Npy.write(file, a);
  }
}
