package dev.tfgraph.cli.output;

import java.util.Arrays;
import java.util.Locale;

/**
 * A comparison of outputs with expected ones, separate from I/O so that it can be tested alone: the
 * largest absolute and relative errors, the largest |expected| (the output's scale), how many elements
 * fail, the first that fails (-1: none) with what it got and expected, and the element of the largest error.
 */
public record ParityReport(double maxAbs, double maxRel, long failing, long firstFailing, long count, double scale,
    double firstGot, double firstExpected, long worst) {
  /** The largest absolute error relative to the output's scale (max |expected|). */
  public double scaledError() {
    return scale > 0 ? maxAbs / scale : maxAbs == 0 ? 0 : Double.POSITIVE_INFINITY;
  }

  public static ParityReport compare(float[] got, double[] want, double rtol, double atol) {
    double[] g = new double[got.length];
    for (int i = 0; i < g.length; i++) g[i] = got[i];
    return compare(g, want, rtol, atol);
  }

  /** An element passes when |got - expected| <= atol + rtol * |expected|, or both are the same non-finite value. */
  public static ParityReport compare(double[] got, double[] want, double rtol, double atol) {
    double maxAbs = 0, maxRel = 0, scale = 0, firstGot = Double.NaN, firstWant = Double.NaN;
    long failing = 0, first = -1, worst = -1;
    for (int i = 0; i < want.length; i++) {
      double g = got[i], e = want[i];
      double abs = Math.abs(g - e);
      boolean pass = Double.isFinite(g) == Double.isFinite(e) && (abs <= atol + rtol * Math.abs(e) || g == e);
      if (!Double.isFinite(g) || !Double.isFinite(e)) abs = g == e ? 0 : Double.POSITIVE_INFINITY;
      if (worst < 0 || abs > maxAbs) {
        maxAbs = abs;
        worst = i;
      }
      if (Double.isFinite(e)) scale = Math.max(scale, Math.abs(e));
      if (e != 0) maxRel = Math.max(maxRel, abs / Math.abs(e));
      if (!pass) {
        failing++;
        if (first < 0) {
          first = i;
          firstGot = g;
          firstWant = e;
        }
      }
    }
    return new ParityReport(maxAbs, maxRel, failing, first, want.length, scale, firstGot, firstWant, worst);
  }

  /** The human line on stderr: the verdict, the errors (also against the output's scale), and the first failing element. */
  public static String summary(ParityReport r, long[] shape, double rtol, double atol) {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
        "parity %s: %d elements, max abs error %.3g (%.3g of the output's scale, max |expected| %.3g), max rel error %.3g, %d failing at rtol %s, atol %s",
        r.failing() == 0 ? "PASS" : "FAIL", r.count(), r.maxAbs(), r.scaledError(), r.scale(), r.maxRel(), r.failing(), String.valueOf(rtol), String.valueOf(atol)));
    if (r.firstFailing() >= 0) {
      double e = r.firstExpected(), err = Math.abs(r.firstGot() - e);
      b.append(String.format(Locale.ROOT, "; first at %s: got %.9g, expected %.9g, |got - expected| %.3g > %.3g allowed",
          Arrays.toString(unravel(r.firstFailing(), shape)), r.firstGot(), e, err, atol + rtol * Math.abs(e)));
    }
    return b.toString();
  }

  /** The index of a flat position in an array of this shape (row-major). */
  public static long[] unravel(long flat, long[] shape) {
    long[] idx = new long[shape.length];
    for (int i = shape.length - 1; i >= 0; i--) {
      idx[i] = flat % shape[i];
      flat /= shape[i];
    }
    return idx;
  }
}
