package dev.tfgraph.graph.metric;

import dev.tfgraph.graph.loss.LossOracles;

/**
 * The built-in metrics written in Java, one example at a time: the oracles the graph ops are checked against (they
 * were tfgraph's evaluation formulas before evaluation moved into the graph). Outputs {@code out[off..off+len)}
 * ({@code probabilities}: they went through the loss's final activation), target {@code label} (sparse) or
 * {@code target[off..off+len)}.
 */
public final class MetricOracles {
  private MetricOracles() {}

  /**
   * The built-in metric {@code name} ("accuracy", "top_k_accuracy", "mse", "mae") for a loss that reads integer labels
   * ({@code sparse}) or float targets, binary ({@code binary}: one sigmoid per output) or not.
   */
  public static double perExample(String name, boolean sparse, boolean binary, float[] out, int off, int len, int label,
      float[] target, boolean probabilities) {
    if (name.equals("accuracy")) {
      if (binary) return binaryAccuracy(out, off, len, target, probabilities);
      int want = sparse ? label : argmax(target, off, len);
      return argmax(out, off, len) == want ? 1 : 0;
    }
    if (name.startsWith("top_") && name.endsWith("_accuracy")) {
      int k = Integer.parseInt(name.substring(4, name.length() - 9));
      return topK(k, sparse ? label : argmax(target, off, len), out, off, len);
    }
    return LossOracles.perExample(name, 0, out, off, len, label, target, probabilities);
  }

  /** The share of outputs whose class (above 1/2 for probabilities, above 0 for logits) is the target's (above 1/2). */
  static double binaryAccuracy(float[] out, int off, int len, float[] target, boolean probabilities) {
    int hits = 0;
    for (int k = off; k < off + len; k++) hits += ((probabilities ? out[k] > 0.5 : out[k] > 0) == (target[k] > 0.5)) ? 1 : 0;
    return (double) hits / len;
  }

  /** 1 when fewer than k outputs are strictly greater than the true class's. */
  static double topK(int k, int want, float[] out, int off, int len) {
    int above = 0;
    for (int c = 0; c < len; c++) if (out[off + c] > out[off + want]) above++;
    return above < k ? 1 : 0;
  }

  /** The index (relative to off) of the largest of a[off..off+len), the first on ties. */
  static int argmax(float[] a, int off, int len) {
    int best = 0;
    for (int c = 1; c < len; c++) if (a[off + c] > a[off + best]) best = c;
    return best;
  }
}
