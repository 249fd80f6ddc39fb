package dev.tfgraph.graph.runtime;

/** The one test for NaN and infinities in arrays (weights, model outputs), and numpy-style index display. */
public final class Finite {
  private Finite() {}

  /**
   * Index of the first NaN or infinite value, or -1 if all are finite.
   * @param a the values
   * @return the index, or -1
   */
  public static int first(float[] a) {
    for (int i = 0; i < a.length; i++) if (!Float.isFinite(a[i])) return i;
    return -1;
  }

  /**
   * Index of the first NaN or infinite value, or -1 if all are finite.
   * @param a the values
   * @return the index, or -1
   */
  public static int first(double[] a) {
    for (int i = 0; i < a.length; i++) if (!Double.isFinite(a[i])) return i;
    return -1;
  }

  /**
   * A flat row-major position as an index into {@code shape}, e.g. "[2, 0]".
   * @param flat the position in the row-major values
   * @param shape their shape
   * @return the index, e.g. "[2, 0]" ("[flat]" for a shape with a 0 size)
   */
  public static String index(long flat, long[] shape) {
    long[] idx = new long[shape.length];
    for (int i = shape.length - 1; i >= 0; i--) {
      if (shape[i] == 0) return "[" + flat + "]";
      idx[i] = flat % shape[i];
      flat /= shape[i];
    }
    return java.util.Arrays.toString(idx);
  }
}
