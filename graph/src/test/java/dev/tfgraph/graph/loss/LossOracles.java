package dev.tfgraph.graph.loss;

/**
 * The built-in losses written in Java, one example at a time in double precision: the oracles the graph ops are
 * checked against (they were tfgraph's evaluation formulas before evaluation moved into the graph). Outputs
 * {@code out[off..off+len)} ({@code probabilities}: they went through the loss's final activation, and are clipped to
 * [EPSILON, 1 − EPSILON] before a log, as Keras clips them; otherwise they are logits or plain outputs), target
 * {@code label} (sparse) or {@code target[off..off+len)}.
 */
public final class LossOracles {
  static final double EPSILON = 1e-7;

  private LossOracles() {}

  /** The built-in loss {@code name} with label smoothing {@code smoothing}, on one example. */
  public static double perExample(String name, double smoothing, float[] out, int off, int len, int label, float[] target,
      boolean probabilities) {
    return switch (name) {
      case "sparse_categorical_crossentropy" -> sparseCategorical(out, off, len, label, probabilities);
      case "categorical_crossentropy" -> categorical(smoothing, out, off, len, target, probabilities);
      case "binary_crossentropy" -> binary(smoothing, out, off, len, target, probabilities);
      case "mse" -> meanError(true, out, off, len, target);
      case "mae" -> meanError(false, out, off, len, target);
      default -> throw new IllegalArgumentException("no oracle for loss " + name);
    };
  }

  /** −log softmax(z)_y, or −log clip(p_y). */
  static double sparseCategorical(float[] out, int off, int len, int label, boolean probabilities) {
    if (probabilities) return -Math.log(clip(out[off + label]));
    return -logSoftmax(out, off, len)[label];
  }

  /** −Σ t_k log softmax(z)_k with t ← t(1 − ε) + ε/K, or the same with log clip(p_k). */
  static double categorical(double smoothing, float[] out, int off, int len, float[] target, boolean probabilities) {
    double[] logp = probabilities ? null : logSoftmax(out, off, len);
    double loss = 0;
    for (int c = 0; c < len; c++) {
      double t = target[off + c] * (1 - smoothing) + smoothing / len;
      loss -= t * (probabilities ? Math.log(clip(out[off + c])) : logp[c]);
    }
    return loss;
  }

  /** The mean of −[t log σ(z) + (1 − t) log(1 − σ(z))] with t ← t(1 − ε) + ε/2, or the same on clip(p). */
  static double binary(double smoothing, float[] out, int off, int len, float[] target, boolean probabilities) {
    double s = 0;
    for (int i = off; i < off + len; i++) {
      double t = target[i] * (1 - smoothing) + smoothing / 2, z = out[i];
      if (probabilities) {
        double p = clip(z);
        s -= t * Math.log(p) + (1 - t) * Math.log(1 - p);
      } else {
        s += Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z)));
      }
    }
    return s / len;
  }

  /** The mean of (y − t)² or |y − t|. */
  static double meanError(boolean squared, float[] out, int off, int len, float[] target) {
    double s = 0;
    for (int i = off; i < off + len; i++) {
      double d = (double) out[i] - target[i];
      s += squared ? d * d : Math.abs(d);
    }
    return s / len;
  }

  /** log softmax of out[off..off+len), shifted by the maximum (no overflow). */
  public static double[] logSoftmax(float[] out, int off, int len) {
    double max = Double.NEGATIVE_INFINITY, z = 0;
    for (int c = 0; c < len; c++) max = Math.max(max, out[off + c]);
    for (int c = 0; c < len; c++) z += Math.exp(out[off + c] - max);
    double[] l = new double[len];
    for (int c = 0; c < len; c++) l[c] = out[off + c] - max - Math.log(z);
    return l;
  }

  static double clip(double p) {
    return Math.min(Math.max(p, EPSILON), 1 - EPSILON);
  }
}
