package dev.tfgraph.graph.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tfgraph.graph.BadInputException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class IdxTest {
  public static byte[] idx(int type, int[] dims, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
    b.putShort((short) 0).put((byte) type).put((byte) dims.length);
    for (int d : dims) b.putInt(d);
    return b.put(data).array();
  }

  static Path gz(Path f, byte[] b) throws Exception {
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(f))) {
      o.write(b);
    }
    return f;
  }

  @Test
  void readsRawAndGzipUbyte(@TempDir Path dir) throws Exception {
    byte[] b = idx(0x08, new int[] {2, 2, 2}, new byte[] {0, 1, 2, 3, 4, 5, 6, (byte) 255});
    Path raw = Files.write(dir.resolve("x-idx3-ubyte"), b);
    NpyArray a = Idx.read(raw);
    assertArrayEquals(new long[] {2, 2, 2}, a.shape());
    assertEquals(255.0, a.toDoubles()[7]);
    assertArrayEquals(a.toDoubles(), Idx.read(gz(dir.resolve("x.gz"), b)).toDoubles());
  }

  @Test
  void shippedFashionMnistSubsetReads() {
    NpyArray y = Idx.read(Path.of("..", "testdata", "fashion", "t10k-labels-idx1-ubyte.gz"));
    assertArrayEquals(new long[] {1000}, y.shape());
  }

  @Test
  void rejectsTruncatedAndHostileHeaders(@TempDir Path dir) throws Exception {
    byte[] b = idx(0x08, new int[] {4, 4}, new byte[10]);
    BadInputException e = assertThrows(BadInputException.class, () -> Idx.read(Files.write(dir.resolve("t"), b)));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    e = assertThrows(BadInputException.class, () -> Idx.read(gz(dir.resolve("t.gz"), b)));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    byte[] huge = idx(0x08, new int[] {0x7fffffff, 0x7fffffff}, new byte[4]);
    assertThrows(BadInputException.class, () -> Idx.read(gz(dir.resolve("h.gz"), huge)));
    assertThrows(BadInputException.class, () -> Idx.read(Files.write(dir.resolve("m"), new byte[] {1, 2, 3, 4, 5})));
    assertThrows(BadInputException.class, () -> Idx.read(Files.write(dir.resolve("u"), idx(0x42, new int[] {1}, new byte[1]))));
  }

  /**
   * A sparse raw file of 4 GiB + 8 bytes whose header declares (2^31 - 9) int16 elements: the data
   * size used to be cast to an int (a negative array size, exit 3); now it is refused before
   * allocation by the heap it needs as doubles.
   */
  @Test
  void declaredSizesPastTwoGiBAreRefusedUpFrontNeverWrapped(@TempDir Path dir) throws Exception {
    assumeTrue(Runtime.getRuntime().maxMemory() < 32L << 30, "needs a heap under 32 GiB");
    Path f = dir.resolve("big-idx1-short");
    try (java.io.RandomAccessFile r = new java.io.RandomAccessFile(f.toFile(), "rw")) {
      r.write(idx(0x0B, new int[] {Integer.MAX_VALUE - 8}, new byte[0]));
      r.setLength(8 + 2L * (Integer.MAX_VALUE - 8));
    }
    BadInputException e = assertThrows(BadInputException.class, () -> Idx.read(f));
    assertTrue(e.getMessage().contains(f + " (4294967286 bytes): shape [2147483639] of int16 needs 17179869112 bytes of heap"), e.getMessage());
    assertFalse(e.getMessage().matches(".*[ (\\[]-[0-9].*"), e.getMessage());
    byte[] over = idx(0x08, new int[] {0x10000, 0x10000}, new byte[0]);
    e = assertThrows(BadInputException.class, () -> Idx.read(gz(dir.resolve("over.gz"), over)));
    assertTrue(e.getMessage().contains("[65536, 65536] has 4294967296 elements, more than the limit"), e.getMessage());
  }
}
