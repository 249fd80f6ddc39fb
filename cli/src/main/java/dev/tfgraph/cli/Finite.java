package dev.tfgraph.cli;

import dev.tfgraph.graph.RunFailedException;
import dev.tfgraph.graph.data.NpyArray;

/** predict --check-finite: the output must hold no NaN or infinity (graph's one test, {@link dev.tfgraph.graph.Finite}). */
final class Finite {
  private Finite() {}

  /** Fails naming the first non-finite element and how many there are. */
  static void check(NpyArray a, String what) {
    String problem = describe(a, what);
    if (problem != null) throw new RunFailedException(problem);
  }

  /** "WHAT has N non-finite values (first at [i, j]: NaN)", or null when every value is finite. */
  static String describe(NpyArray a, String what) {
    float[] f = a.toFloats();
    int first = dev.tfgraph.graph.Finite.first(f);
    if (first < 0) return null;
    int bad = 0;
    for (float v : f) if (!Float.isFinite(v)) bad++;
    return what + " has " + bad + " non-finite values (first at " + dev.tfgraph.graph.Finite.index(first, a.shape()) + ": " + f[first] + ")";
  }
}
