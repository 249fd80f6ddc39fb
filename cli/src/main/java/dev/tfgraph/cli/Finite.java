package dev.tfgraph.cli;

import dev.tfgraph.graph.RunFailedException;
import dev.tfgraph.graph.data.NpyArray;

final class Finite {
  private Finite() {}

  /** Fails naming the first non-finite element and how many there are. */
  static void check(NpyArray a, String what) {
    float[] f = a.toFloats();
    int bad = 0, first = -1;
    for (int i = 0; i < f.length; i++) {
      if (!Float.isFinite(f[i])) {
        if (first < 0) first = i;
        bad++;
      }
    }
    if (bad > 0) {
      throw new RunFailedException(what + " has " + bad + " non-finite values (first at flat index " + first + ": " + f[first] + ")");
    }
  }
}
