package dev.tfgraph.export;

import dev.tfgraph.graph.RunFailedException;
import dev.tfgraph.graph.Shapes;
import dev.tfgraph.graph.model.InputSpec;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.runtime.Finite;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The probe batch an {@link Exporter} verifies with (deterministic, in [0, 1)) and the check of the
 * model's outputs on it: finite, and the reloaded model's within {@link #TOLERANCE} of the in-process one.
 */
final class ProbeCheck {
  /** Largest difference allowed between the reloaded model's output and the in-process one. */
  static final double TOLERANCE = 1e-5;
  static final int PROBE_ROWS = 4;

  private ProbeCheck() {}

  /**
   * Every element of the reloaded model's output on the probe batch must be finite and within
   * {@link #TOLERANCE} of the in-process output.
   *
   * @return the largest absolute difference
   */
  static double compare(Model model, float[] expected, float[] got) {
    if (got.length != expected.length) {
      throw new RunFailedException("export verification failed: the reloaded model's output has " + got.length
          + " values, expected " + expected.length + "; no version was written");
    }
    requireFinite(model, expected, "in this process");
    requireFinite(model, got, "reloaded in a child JVM");
    double maxAbs = 0;
    int at = -1;
    for (int i = 0; i < got.length; i++) {
      double d = Math.abs((double) got[i] - expected[i]);
      if (d > maxAbs) {
        maxAbs = d;
        at = i;
      }
    }
    if (maxAbs > TOLERANCE) {
      throw new RunFailedException("export verification failed: the reloaded model's output differs from the "
          + "in-process output by " + maxAbs + " at index " + Finite.index(at, outputShape(model)) + " (tolerance "
          + TOLERANCE + "); no version was written");
    }
    return maxAbs;
  }

  static void requireFinite(Model model, float[] out, String where) {
    int i = Finite.first(out);
    if (i >= 0) {
      throw new RunFailedException("export verification failed: the model's output on the probe batch (" + where
          + ") is not finite at index " + Finite.index(i, outputShape(model)) + " (" + out[i]
          + "); no version was written");
    }
  }

  private static long[] outputShape(Model model) {
    return Shapes.withBatch(model.outputShape(), PROBE_ROWS).asArray();
  }

  /** A deterministic probe batch in [0, 1) for each input. */
  static List<float[]> probe(Model model, int n) {
    SplittableRandom r = new SplittableRandom(12345);
    List<float[]> out = new ArrayList<>();
    for (InputSpec in : model.inputs()) {
      float[] x = new float[Math.toIntExact(n * Shapes.exampleSize(in.shape()))];
      for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
      out.add(x);
    }
    return out;
  }
}
