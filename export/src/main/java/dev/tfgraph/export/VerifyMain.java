package dev.tfgraph.export;

import dev.tfgraph.graph.data.Npy;
import dev.tfgraph.graph.data.NpyArray;
import dev.tfgraph.graph.data.Npz;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Child-JVM entry point: load a SavedModel, run serving_default on an input (.npy for a model of
 * one input, .npz keyed by input names), write the output (and with two more arguments, serving_images on the
 * encoded images of a TFRecord file, its output); or, with --probe, run one all-zero example.
 */
public final class VerifyMain {
  private VerifyMain() {}

  public static void main(String[] args) {
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
      Npy.write(Path.of(args[2]), y);
      if (args.length == 5) Npy.write(Path.of(args[4]), p.predictImages(dev.tfgraph.graph.data.TfRecords.readAll(Path.of(args[3])), 256));
    } catch (Throwable t) {
      System.err.println(t.getClass().getSimpleName() + ": " + t.getMessage());
      System.exit(3);
    }
    System.exit(0);
  }
}
