package dev.tfgraph.graph.io;

import dev.tfgraph.graph.BadInputException;
import java.util.Arrays;

/**
 * What one array read from an untrusted file may take, checked from its declared shape before
 * anything is allocated: at most {@link #MAX_ELEMENTS} elements (what one Java array holds), and
 * at most half of the heap that is free less {@link #HEAP_MARGIN}, so that the caller keeps room
 * for one working copy (predict's float copy, a dataset's scaled copy). Sizes are longs, products
 * are exact: a declared size never wraps around to a negative number.
 */
final class ArrayBudget {
  static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;
  static final long HEAP_MARGIN = 64L << 20;

  private ArrayBudget() {}

  /** The element count of a declared shape (multiplied in order, as NpyArray does), refused above {@link #MAX_ELEMENTS}. */
  static int elements(long[] shape, String what) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) throw new BadInputException(what + ": negative dimension in declared shape " + Arrays.toString(shape));
    }
    try {
      for (long d : shape) n = Math.multiplyExact(n, d);
    } catch (ArithmeticException e) {
      n = -1;
    }
    if (n < 0 || n > MAX_ELEMENTS) {
      throw new BadInputException(what + ": declared shape " + Arrays.toString(shape) + " has "
          + (n < 0 ? "more than 2^63" : Long.toString(n)) + " elements, more than the limit of " + MAX_ELEMENTS
          + " elements (what one Java array holds)");
    }
    return (int) n;
  }

  /** Heap bytes of the array {@link NpyArray} keeps for n elements of a kind (floats, longs or doubles). */
  static long decodedBytes(NpyArray.Kind kind, long n) {
    return Math.multiplyExact(n, kind == NpyArray.Kind.FLOAT32 ? 4L : 8L);
  }

  /**
   * Refuses unless {@code bytes} of heap are available to one array; {@code what} names the file
   * (and its size), {@code array} the declared array.
   */
  static void reserve(long bytes, String what, String array) {
    long budget = available();
    if (bytes <= budget) return;
    System.gc();   // free heap counts garbage not yet collected as used; look again once
    budget = available();
    if (bytes > budget) {
      throw new BadInputException(what + ": " + array + " needs " + bytes + " bytes of heap, more than the " + budget
          + " available to one array (half the free heap; maximum heap " + Runtime.getRuntime().maxMemory()
          + " bytes, raise it with -Xmx in TFGRAPH_JAVA_OPTS)");
    }
  }

  /** Half of the free heap (maximum less used) less the margin. */
  static long available() {
    Runtime r = Runtime.getRuntime();
    long free = r.maxMemory() - (r.totalMemory() - r.freeMemory());
    return Math.max(0, (free - HEAP_MARGIN) / 2);
  }
}
