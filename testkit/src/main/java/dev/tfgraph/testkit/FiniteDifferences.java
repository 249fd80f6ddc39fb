package dev.tfgraph.testkit;

import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * The arithmetic of a gradient check: random directions, central finite differences of a loss
 * along one, and the scaled comparison that names the worst element. {@link LayerGraph} and
 * {@link LayerCheck} both check with it.
 */
final class FiniteDifferences {
  private FiniteDifferences() {}

  /**
   * {fd, analytic} along direction {@code d} at {@code at}: fd = (L(at + h·d) − L(at − h·d)) / 2h,
   * the loss evaluated at the plus point first; analytic = Σ grad·d.
   */
  static double[] central(double[] at, double[] grad, double[] d, double h, ToDoubleFunction<double[]> loss) {
    double lp = loss.applyAsDouble(shifted(at, d, h));
    double lm = loss.applyAsDouble(shifted(at, d, -h));
    return new double[] {(lp - lm) / (2 * h), dot(grad, d)};
  }

  /** x + h·d. */
  static double[] shifted(double[] x, double[] d, double h) {
    double[] out = x.clone();
    for (int i = 0; i < out.length; i++) out[i] += h * d[i];
    return out;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }

  /** A random direction in [−1, 1)^n; symmetrised over the last two axes when {@code symmetric}. */
  static double[] direction(int n, long[] shape, long seed, boolean symmetric) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] d = new double[n];
    for (int i = 0; i < n; i++) d[i] = 2 * r.nextDouble() - 1;
    if (symmetric) {
      int c = (int) shape[shape.length - 1];
      for (int b = 0; b < n / (c * c); b++) {
        for (int i = 0; i < c; i++) {
          for (int j = i + 1; j < c; j++) {
            double avg = (d[b * c * c + i * c + j] + d[b * c * c + j * c + i]) / 2;
            d[b * c * c + i * c + j] = avg;
            d[b * c * c + j * c + i] = avg;
          }
        }
      }
    }
    return d;
  }

  /** |got − want| ≤ tol·max(1, |want|) elementwise, every value finite; the worst element named on failure. */
  static void assertClose(double[] want, double[] got, double tol, String what) {
    if (want.length != got.length) throw new AssertionError(what + ": " + got.length + " values, expected " + want.length);
    double worst = 0;
    int at = -1;
    for (int i = 0; i < want.length; i++) {
      if (!Double.isFinite(got[i])) throw new AssertionError(what + ": non-finite value " + got[i] + " at " + i);
      double err = Math.abs(got[i] - want[i]) / Math.max(1, Math.abs(want[i]));
      if (err > worst) {
        worst = err;
        at = i;
      }
    }
    if (worst > tol) {
      throw new AssertionError(what + ": scaled error " + worst + " > " + tol + " at " + at + " (want " + want[at]
          + ", got " + got[at] + ")");
    }
  }
}
