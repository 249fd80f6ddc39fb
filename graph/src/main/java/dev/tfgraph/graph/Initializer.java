package dev.tfgraph.graph;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Initial values, computed in Java from a seed so that they do not depend on TF's stateful
 * random ops (which a checkpoint cannot capture). Fan-in/fan-out follow Keras: the last axis is
 * fan-out, the product of the others fan-in (receptive field included for conv kernels).
 */
@FunctionalInterface
public interface Initializer {
  /**
   * @param shape the weight's shape
   * @param rng the seeded source of the weight's random draws
   * @return the weight's initial values, row-major, as many as the shape holds
   */
  double[] values(long[] shape, SplittableRandom rng);

  /** @return an initializer of zeros */
  static Initializer zeros() {
    return (shape, rng) -> new double[size(shape)];
  }

  /** @return an initializer of ones */
  static Initializer ones() {
    return constant(1.0);
  }

  /**
   * @param v the value of every element
   * @return an initializer of v
   */
  static Initializer constant(double v) {
    return (shape, rng) -> {
      double[] out = new double[size(shape)];
      Arrays.fill(out, v);
      return out;
    };
  }

  /**
   * The given values repeated along the leading axis, e.g. alpha_init [2] over [2, n].
   * @param perRow one value per index of the leading axis
   * @return an initializer repeating perRow[i] over the i-th slice of the leading axis
   */
  static Initializer rows(double[] perRow) {
    return (shape, rng) -> {
      double[] out = new double[size(shape)];
      int per = out.length / perRow.length;
      for (int i = 0; i < out.length; i++) out[i] = perRow[i / per];
      return out;
    };
  }

  /**
   * Keras glorot_uniform: U(-l, l), l = sqrt(6 / (fan_in + fan_out)).
   * @return the initializer
   */
  static Initializer glorotUniform() {
    return (shape, rng) -> {
      long[] f = fans(shape);
      double limit = Math.sqrt(6.0 / (f[0] + f[1]));
      double[] out = new double[size(shape)];
      for (int i = 0; i < out.length; i++) out[i] = (2 * rng.nextDouble() - 1) * limit;
      return out;
    };
  }

  /**
   * Keras he_normal: truncated normal (|z| &lt; 2) with stddev sqrt(2 / fan_in).
   * @return the initializer
   */
  static Initializer heNormal() {
    return (shape, rng) -> {
      double std = Math.sqrt(2.0 / fans(shape)[0]) / 0.87962566103423978;
      double[] out = new double[size(shape)];
      for (int i = 0; i < out.length; i++) out[i] = truncatedNormal(rng) * std;
      return out;
    };
  }

  /**
   * A standard normal draw, redrawn until |z| is below 2 (Box-Muller).
   * @param rng the source of the draws
   * @return z, with |z| below 2
   */
  static double truncatedNormal(SplittableRandom rng) {
    while (true) {
      double u1 = rng.nextDouble(), u2 = rng.nextDouble();
      double z = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
      if (Math.abs(z) < 2) return z;
    }
  }

  /**
   * Keras' fan-in and fan-out of a weight's shape.
   * @param shape the weight's shape
   * @return [fan_in, fan_out]: [1, 1] for a scalar, [n, n] for [n], else [r·shape[-2], r·shape[-1]], r the
   *     product of the other axes (a kernel's receptive field)
   */
  static long[] fans(long[] shape) {
    if (shape.length == 0) return new long[] {1, 1};
    if (shape.length == 1) return new long[] {shape[0], shape[0]};
    long receptive = 1;
    for (int i = 0; i < shape.length - 2; i++) receptive *= shape[i];
    return new long[] {shape[shape.length - 2] * receptive, shape[shape.length - 1] * receptive};
  }

  /**
   * @param shape the weight's shape
   * @return the number of values it holds
   * @throws ArithmeticException if that is more than Integer.MAX_VALUE
   */
  static int size(long[] shape) {
    long n = 1;
    for (long d : shape) n = Math.multiplyExact(n, d);
    return Math.toIntExact(n);
  }
}
