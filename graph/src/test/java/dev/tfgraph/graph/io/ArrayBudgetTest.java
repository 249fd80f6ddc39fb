package dev.tfgraph.graph.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.BadInputException;
import org.junit.jupiter.api.Test;

class ArrayBudgetTest {
  @Test
  void elementCountsAreExactAndNeverWrap() {
    assertEquals(6, ArrayBudget.elements(new long[] {2, 3}, "x"));
    assertEquals(0, ArrayBudget.elements(new long[] {0, 4_000_000_000L, 4_000_000_000L}, "x"));
    assertEquals(Integer.MAX_VALUE - 8, ArrayBudget.elements(new long[] {Integer.MAX_VALUE - 8}, "x"));
    String m = assertThrows(BadInputException.class, () -> ArrayBudget.elements(new long[] {100_000, 100_000}, "x.npy")).getMessage();
    assertTrue(m.contains("x.npy") && m.contains("[100000, 100000]") && m.contains("10000000000 elements")
        && m.contains("limit of " + ArrayBudget.MAX_ELEMENTS), m);
    m = assertThrows(BadInputException.class, () -> ArrayBudget.elements(new long[] {1L << 40, 1L << 40}, "x.npy")).getMessage();
    assertTrue(m.contains("more than 2^63"), m);
    assertFalse(m.matches(".*[ (\\[]-[0-9].*"), m);
  }

  @Test
  void moreThanTheHeapCanHoldIsRefusedNamingTheHeap() {
    long max = Runtime.getRuntime().maxMemory();
    ArrayBudget.reserve(1 << 20, "small.npy", "shape [262144] of float32");
    String m = assertThrows(BadInputException.class, () -> ArrayBudget.reserve(max, "big.npy (123 bytes)", "shape [n] of float64")).getMessage();
    assertTrue(m.contains("big.npy (123 bytes): shape [n] of float64 needs " + max + " bytes of heap") && m.contains("maximum heap " + max), m);
    assertTrue(ArrayBudget.available() < max / 2);
  }
}
