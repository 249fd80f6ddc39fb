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
  double[] values(long[] shape, SplittableRandom rng);

  static Initializer zeros() {
    return (shape, rng) -> new double[size(shape)];
  }

  static Initializer ones() {
    return constant(1.0);
  }

  static Initializer constant(double v) {
    return (shape, rng) -> {
      double[] out = new double[size(shape)];
      Arrays.fill(out, v);
      return out;
    };
  }

  /** The given values repeated along the leading axis, e.g. alpha_init [2] over [2, n]. */
  static Initializer rows(double[] perRow) {
    return (shape, rng) -> {
      double[] out = new double[size(shape)];
      int per = out.length / perRow.length;
      for (int i = 0; i < out.length; i++) out[i] = perRow[i / per];
      return out;
    };
  }

  /** Keras glorot_uniform: U(-l, l), l = sqrt(6 / (fan_in + fan_out)). */
  static Initializer glorotUniform() {
    return (shape, rng) -> {
      long[] f = fans(shape);
      double limit = Math.sqrt(6.0 / (f[0] + f[1]));
      double[] out = new double[size(shape)];
      for (int i = 0; i < out.length; i++) out[i] = (2 * rng.nextDouble() - 1) * limit;
      return out;
    };
  }

  /** Keras he_normal: truncated normal (|z| < 2) with stddev sqrt(2 / fan_in). */
  static Initializer heNormal() {
    return (shape, rng) -> {
      double std = Math.sqrt(2.0 / fans(shape)[0]) / 0.87962566103423978;
      double[] out = new double[size(shape)];
      for (int i = 0; i < out.length; i++) out[i] = truncatedNormal(rng) * std;
      return out;
    };
  }

  static double truncatedNormal(SplittableRandom rng) {
    while (true) {
      double u1 = rng.nextDouble(), u2 = rng.nextDouble();
      double z = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
      if (Math.abs(z) < 2) return z;
    }
  }

  static long[] fans(long[] shape) {
    if (shape.length == 0) return new long[] {1, 1};
    if (shape.length == 1) return new long[] {shape[0], shape[0]};
    long receptive = 1;
    for (int i = 0; i < shape.length - 2; i++) receptive *= shape[i];
    return new long[] {shape[shape.length - 2] * receptive, shape[shape.length - 1] * receptive};
  }

  static int size(long[] shape) {
    long n = 1;
    for (long d : shape) n = Math.multiplyExact(n, d);
    return Math.toIntExact(n);
  }
}
