package dev.tfgraph.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.tensorflow.ndarray.Shape;

/** Shape helpers; the batch axis is unknown (-1), shown as None like Keras. */
public final class Shapes {
  private Shapes() {}

  /**
   * A shape as messages show it, e.g. [None, 28, 28, 1].
   * @param s a shape, or null
   * @return its text
   */
  public static String show(Shape s) {
    if (s == null) return "null";
    if (s.isUnknown()) return "<unknown rank>";
    StringJoiner j = new StringJoiner(", ", "[", "]");
    for (int i = 0; i < s.numDimensions(); i++) j.add(s.get(i) < 0 ? "None" : String.valueOf(s.get(i)));
    return j.toString();
  }

  /** One shape as {@link #show(Shape)} shows it; several as a list of them. */
  static String show(List<Shape> shapes) {
    if (shapes.size() == 1) return show(shapes.get(0));
    List<String> s = new ArrayList<>();
    for (Shape x : shapes) s.add(show(x));
    return s.toString();
  }

  /**
   * Whether two shapes can describe the same tensor.
   *
   * @param a a shape, -1 for an unknown size
   * @param b another
   * @return true if of equal rank and equal on each axis where both sizes are known
   */
  public static boolean compatible(Shape a, Shape b) {
    if (a.numDimensions() != b.numDimensions()) return false;
    for (int i = 0; i < a.numDimensions(); i++) {
      if (a.get(i) >= 0 && b.get(i) >= 0 && a.get(i) != b.get(i)) return false;
    }
    return true;
  }

  /**
   * Product of the non-batch dimensions, exactly: past 2^63 is bad input, never a silent wrap.
   * @param s a shape, batch axis first
   * @return the values one example holds
   * @throws BadInputException if more than 2^63 - 1
   */
  public static long exampleSize(Shape s) {
    Long n = Checks.elements(dims(s));
    if (n == null) throw new BadInputException("shape " + show(s) + " holds more than 2^63 values per example");
    return n;
  }

  /**
   * The shape with its batch axis set to n.
   * @param s a shape, batch axis first
   * @param n the batch size, -1 for unknown
   * @return the new shape
   */
  public static Shape withBatch(Shape s, long n) {
    long[] d = s.asArray();
    d[0] = n;
    return Shape.of(d);
  }

  /**
   * Non-batch dims as an array, e.g. [28, 28, 1].
   * @param s a shape, batch axis first
   * @return a new array of its other sizes
   */
  public static long[] dims(Shape s) {
    long[] d = new long[s.numDimensions() - 1];
    for (int i = 0; i < d.length; i++) d[i] = s.get(i + 1);
    return d;
  }

  /**
   * @param dims the sizes of one example
   * @return [-1, dims...]: the shape with an unknown batch axis first
   */
  public static Shape batchOf(long... dims) {
    long[] d = new long[dims.length + 1];
    d[0] = -1;
    System.arraycopy(dims, 0, d, 1, dims.length);
    return Shape.of(d);
  }

  /** Rank {@code rank} with known non-batch dimensions, else bad input naming {@code where}, the layout expected and the shape received. */
  static void requireRank(String where, Shape input, int rank, String layout) {
    if (input.numDimensions() != rank) {
      throw new BadInputException(where + ": expected input of rank " + rank + " " + layout
          + ", received shape " + show(input) + " (rank " + input.numDimensions() + ")");
    }
    for (int i = 1; i < rank; i++) {
      if (input.get(i) < 1) {
        throw new BadInputException(where + ": expected known non-batch dimensions " + layout
            + ", received shape " + show(input));
      }
    }
  }
}
