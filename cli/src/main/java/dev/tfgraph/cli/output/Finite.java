package dev.tfgraph.cli.output;

import dev.tfgraph.graph.io.NpyArray;

/** Non-finite outputs of predict and evaluate, described in one line (graph's one test, {@link dev.tfgraph.graph.runtime.Finite}). */
public final class Finite {
  private Finite() {}

  /** "WHAT has N non-finite values (first at [i, j]: NaN)", or null when every value is finite. */
  public static String describe(NpyArray a, String what) {
    float[] f = a.toFloats();
    int first = dev.tfgraph.graph.runtime.Finite.first(f);
    if (first < 0) return null;
    int bad = 0;
    for (float v : f) if (!Float.isFinite(v)) bad++;
    return what + " has " + bad + " non-finite values (first at " + dev.tfgraph.graph.runtime.Finite.index(first, a.shape()) + ": " + f[first] + ")";
  }
}
