package dev.tfgraph.graph.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tfgraph.graph.BadInputException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
  /** np.save(np.array([[1.5, -2], [0, 3.25]], np.float32)), byte for byte. */
  static final byte[] NUMPY_F32 = bytes("-109,78,85,77,80,89,1,0,118,0,123,39,100,101,115,99,114,39,58,32,39,60,102,52,39,44,32,39,"
      + "102,111,114,116,114,97,110,95,111,114,100,101,114,39,58,32,70,97,108,115,101,44,32,39,115,104,97,112,101,39,58,32,40,"
      + "50,44,32,50,41,44,32,125" + ",32".repeat(58) + ",10,0,0,-64,63,0,0,0,-64,0,0,0,0,0,0,80,64");

  static byte[] bytes(String csv) {
    String[] p = csv.split(",");
    byte[] b = new byte[p.length];
    for (int i = 0; i < p.length; i++) b[i] = Byte.parseByte(p[i].strip());
    return b;
  }

  /** A version-1 file with this header dict and data, as numpy lays it out. */
  static byte[] npy(String dict, byte[] data) {
    String h = dict;
    int pad = (64 - (10 + h.length() + 1) % 64) % 64;
    h = h + " ".repeat(pad) + "\n";
    ByteBuffer b = ByteBuffer.allocate(10 + h.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(Npy.MAGIC).put((byte) 1).put((byte) 0).putShort((short) h.length()).put(h.getBytes(StandardCharsets.ISO_8859_1)).put(data);
    return b.array();
  }

  static NpyArray read(byte[] b) {
    return Npy.read(new ByteArrayInputStream(b), b.length, "test.npy");
  }

  static void rejects(byte[] b, String fragment) {
    BadInputException e = assertThrows(BadInputException.class, () -> read(b));
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  @Test
  void readsWhatNumpyWrites() {
    assertEquals(144, NUMPY_F32.length);
    NpyArray a = read(NUMPY_F32);
    assertEquals(NpyArray.Kind.FLOAT32, a.kind());
    assertArrayEquals(new long[] {2, 2}, a.shape());
    assertArrayEquals(new float[] {1.5f, -2f, 0f, 3.25f}, a.toFloats());
  }

  @Test
  void bigEndianIntegersAndBools() {
    byte[] be = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN).putDouble(0.5).putDouble(-1).array();
    assertArrayEquals(new double[] {0.5, -1}, read(npy("{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", be)).toDoubles());
    byte[] i8 = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(1).putLong(-2).putLong(3).array();
    assertArrayEquals(new int[] {1, -2, 3}, read(npy("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", i8)).toInts());
    assertArrayEquals(new int[] {1, 0, 1}, read(npy("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", new byte[] {1, 0, 1})).toInts());
    NpyArray scalar = read(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", new byte[4]));
    assertEquals(0, scalar.shape().length);
    assertEquals(1, scalar.size());
  }

  /** np.save(np.arange(6, dtype='<i4').reshape(2, 3).T): fortran_order True, shape (3, 2). */
  @Test
  void fortranOrderedArraysAreReorderedToRowMajor() {
    byte[] data = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putInt(0).putInt(1).putInt(2).putInt(3).putInt(4).putInt(5).array();
    NpyArray a = read(npy("{'descr': '<i4', 'fortran_order': True, 'shape': (3, 2), }", data));
    assertArrayEquals(new int[] {0, 3, 1, 4, 2, 5}, a.toInts());
  }

  @Test
  void roundTripsEveryWrittenKind(@TempDir Path dir) throws Exception {
    NpyArray[] arrays = {NpyArray.ofFloats(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, Float.NaN}),
        NpyArray.ofDoubles(new long[] {3}, new double[] {1e-300, -2, Math.PI}), NpyArray.ofLongs(new long[] {2}, new long[] {Long.MIN_VALUE, 5}),
        NpyArray.ofInts(new long[] {1, 2}, new int[] {-7, 9}), NpyArray.ofBytes(new long[] {2}, new byte[] {0, -1}, true)};
    for (NpyArray a : arrays) {
      Path f = dir.resolve("a.npy");
      Npy.write(f, a);
      NpyArray b = Npy.read(f);
      assertArrayEquals(a.shape(), b.shape());
      assertArrayEquals(a.toDoubles(), b.toDoubles(), 0.0);
    }
    assertEquals(NpyArray.Kind.UINT8, Npy.read(dir.resolve("a.npy")).kind());
  }

  @Test
  void writtenHeaderIsAlignedAsNumpyWantsIt() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Npy.write(out, NpyArray.ofFloats(new long[] {2, 2}, new float[] {1.5f, -2f, 0f, 3.25f}));
    assertArrayEquals(NUMPY_F32, out.toByteArray(), "same bytes as numpy's np.save");
  }

  @Test
  void rejectsBrokenAndHostileFiles() {
    rejects(new byte[] {1, 2, 3}, "truncated");
    rejects("not an npy file at all....".getBytes(StandardCharsets.US_ASCII), "bad magic");
    rejects(java.util.Arrays.copyOf(NUMPY_F32, 140), "truncated");
    rejects(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000), }", new byte[16]), "elements");
    rejects(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1000, 1000), }", new byte[16]), "truncated");
    rejects(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", new byte[16]), "");
    rejects(npy("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", new byte[16]), "unsupported dtype '|O'");
    rejects(npy("{'descr': '<U3', 'fortran_order': False, 'shape': (2,), }", new byte[24]), "unsupported dtype");
    rejects(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", new byte[8]), "bad shape");
    rejects(npy("__import__('os')", new byte[8]), "malformed");
  }

  @Test
  void missingFileIsNamed(@TempDir Path dir) {
    BadInputException e = assertThrows(BadInputException.class, () -> Npy.read(dir.resolve("nope.npy")));
    assertTrue(e.getMessage().contains("nope.npy"));
    assertTrue(Files.notExists(dir.resolve("nope.npy")));
  }

  /** numpy keeps the last of two 'shape' keys; this reader used to keep the first. */
  @Test
  void aRepeatedHeaderKeyIsRefused() {
    rejects(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'shape': (2,), }", new byte[8]), "test.npy: the .npy header gives the key 'shape' twice");
  }

  /**
   * A header only, claiming a file of 5 GB: (2^31 - 9) int16 elements are 4 GiB of data, which an
   * int used to wrap to a negative array size (exit 3); now the size is a long and the array is
   * refused before allocation, naming the shape, the bytes it needs and the heap.
   */
  @Test
  void declaredSizesPastTwoGiBAreRefusedUpFrontNeverWrapped() {
    assumeTrue(Runtime.getRuntime().maxMemory() < 32L << 30, "needs a heap under 32 GiB");
    byte[] h = npy("{'descr': '<i2', 'fortran_order': False, 'shape': (2147483639,), }", new byte[0]);
    BadInputException e = assertThrows(BadInputException.class, () -> Npy.read(new ByteArrayInputStream(h), 5_000_000_000L, "big.npy"));
    String m = e.getMessage();
    assertTrue(m.contains("big.npy (5000000000 bytes): shape [2147483639] of int16 needs 17179869112 bytes of heap")
        && m.contains("maximum heap"), m);
    assertFalse(m.matches(".*[ (\\[]-[0-9].*"), m);
    byte[] over = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2147483640,), }", new byte[0]);
    m = assertThrows(BadInputException.class, () -> Npy.read(new ByteArrayInputStream(over), 9_000_000_000L, "big.npy")).getMessage();
    assertTrue(m.contains("[2147483640] has 2147483640 elements, more than the limit of 2147483639"), m);
  }

  @Test
  void devicesAreRefusedUnopened() {
    Path zero = Path.of("/dev/zero");
    assumeTrue(Files.exists(zero));
    BadInputException e = assertThrows(BadInputException.class, () -> Npy.read(zero));
    assertTrue(e.getMessage().contains("/dev/zero: not a regular file"), e.getMessage());
  }
}
