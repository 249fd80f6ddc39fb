package dev.tfgraph.graph.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.BadInputException;
import org.junit.jupiter.api.Test;

class NpyHeaderTest {
  static void rejects(String header, String... fragments) {
    BadInputException e = assertThrows(BadInputException.class, () -> NpyHeader.parse(header, "x.npy"));
    for (String f : fragments) assertTrue(e.getMessage().contains(f), "\"" + e.getMessage() + "\" lacks \"" + f + "\"");
  }

  @Test
  void readsWhatNumpyWrites() {
    NpyHeader h = NpyHeader.parse("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" + " ".repeat(20) + "\n", "x.npy");
    assertEquals("<f4", h.descr());
    assertEquals(false, h.fortranOrder());
    assertArrayEquals(new long[] {2, 3}, h.shape());
    assertArrayEquals(new long[] {5}, NpyHeader.parse("{'descr': '|u1', 'fortran_order': True, 'shape': (5,)}", "x").shape());
    assertArrayEquals(new long[0], NpyHeader.parse("{\"shape\": (), \"fortran_order\": False, \"descr\": \"<f8\"}", "x").shape());
    assertArrayEquals(new long[] {3, 4}, NpyHeader.parse("{'descr': '<i8', 'fortran_order': False, 'shape': (3L, 4L)}", "x").shape());
  }

  /** numpy evaluates the dict and keeps the last of two values; reading the first would read another array. */
  @Test
  void aKeyGivenTwiceIsRefused() {
    rejects("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'shape': (2,), }", "x.npy", "key 'shape' twice");
    rejects("{'descr': '<f4', 'descr': '<f8', 'fortran_order': False, 'shape': (1,)}", "key 'descr' twice");
    rejects("{'descr': '<f4', 'fortran_order': False, 'fortran_order': True, 'shape': (1,)}", "key 'fortran_order' twice");
  }

  @Test
  void otherKeysMissingKeysAndStrayTextAreRefused() {
    rejects("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", "unexpected key 'x'");
    rejects("{'descr': '<f4', 'fortran_order': False}", "lacks the key 'shape'");
    rejects("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} 'shape': (2,)", "malformed");
    rejects("{'descr': '<f4' 'fortran_order': False, 'shape': (1,)}", "malformed");
    rejects("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}", "malformed");
    rejects("{'descr': '<f4', 'fortran_order': False, 'shape': (1,,2)}", "bad shape");
    rejects("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}", "bad shape");
    rejects("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}", "structured");
    rejects("{'descr': '<f4', 'fortran_order': False, 'shape': (" + "1,".repeat(33) + ")}", "more than 32 dimensions");
    rejects("__import__('os')", "malformed");
  }
}
