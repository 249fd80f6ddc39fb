package dev.tfgraph.export;

import dev.tfgraph.graph.data.Npy;
import dev.tfgraph.graph.data.NpyArray;
import java.nio.file.Path;

/** Child-JVM entry point: load a SavedModel, run serving_default on an input, write the output. */
public final class VerifyMain {
  private VerifyMain() {}

  public static void main(String[] args) {
    if (args.length == 2 && args[0].equals("--probe")) {
      try (Predictor p = Predictor.load(Path.of(args[1]))) {
        long[] shape = p.inputShape();
        shape[0] = 1;
        long n = 1;
        for (long d : shape) n *= Math.max(d, 1);
        for (int i = 0; i < shape.length; i++) shape[i] = Math.max(shape[i], 1);
        p.predict(NpyArray.ofFloats(shape, new float[Math.toIntExact(n)]), 1);
      } catch (Throwable t) {
        System.err.println(t.getClass().getSimpleName() + ": " + t.getMessage());
        System.exit(3);
      }
      System.exit(0);
    }
    try (Predictor p = Predictor.load(Path.of(args[0]))) {
      NpyArray x = Npy.read(Path.of(args[1]));
      NpyArray y = p.predict(x, 256);
      Npy.write(Path.of(args[2]), y);
    } catch (Throwable t) {
      System.err.println(t.getClass().getSimpleName() + ": " + t.getMessage());
      System.exit(3);
    }
    System.exit(0);
  }
}
