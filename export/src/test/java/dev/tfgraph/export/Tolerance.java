package dev.tfgraph.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a test may promise about float32 outputs of one model computed two ways that are not the
 * same computation (another batch size, thread count or CPU): oneDNN and Eigen pick kernels by
 * shape and instruction set, and sums come out in another order.
 */
final class Tolerance {
  /** Relative to max(1, |want|): float32 has 6e-8 of relative precision; a few roundings apart. */
  static final double BATCHING = 1e-6;

  private Tolerance() {}

  static void assertClose(float[] want, float[] got, double tol, String what) {
    assertEquals(want.length, got.length, what + ": length");
    for (int i = 0; i < want.length; i++) {
      double err = Math.abs((double) got[i] - want[i]) / Math.max(1, Math.abs(want[i]));
      int at = i;
      assertTrue(Float.isFinite(got[i]) && err <= tol,
          () -> what + ": element " + at + " is " + got[at] + ", expected " + want[at] + " within " + tol);
    }
  }
}
