package dev.tfgraph.graph.metric;


/** Small reductions the metrics share. */
final class Reduce {
  private Reduce() {}

  /** The index (relative to off) of the largest of a[off..off+len), the first on ties. */
  static int argmax(float[] a, int off, int len) {
    int best = 0;
    for (int c = 1; c < len; c++) if (a[off + c] > a[off + best]) best = c;
    return best;
  }
}
