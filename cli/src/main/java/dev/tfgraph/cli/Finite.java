package dev.tfgraph.cli;

import dev.tfgraph.graph.RunFailedException;
import dev.tfgraph.graph.data.NpyArray;

/** predict --check-finite: the output must hold no NaN or infinity (graph's one test, {@link dev.tfgraph.graph.Finite}). */
final class Finite {
  private Finite() {}

  /** Fails naming the first non-finite element and how many there are. */
  static void check(NpyArray a, String what) {
    float[] f = a.toFloats();
    int first = dev.tfgraph.graph.Finite.first(f);
    if (first < 0) return;
    int bad = 0;
    for (float v : f) if (!Float.isFinite(v)) bad++;
    throw new RunFailedException(what + " has " + bad + " non-finite values (first at " + dev.tfgraph.graph.Finite.index(first, a.shape())
        + ": " + f[first] + ")");
  }
}
