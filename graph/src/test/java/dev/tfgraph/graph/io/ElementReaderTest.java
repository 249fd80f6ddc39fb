package dev.tfgraph.graph.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class ElementReaderTest {
  /** More elements than one 64 KiB chunk holds, in both byte orders and through the per-element path. */
  @Test
  void decodesAcrossChunks() throws Exception {
    int n = ElementReader.CHUNK / 4 * 3 + 5;
    ByteBuffer le = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN), be = ByteBuffer.allocate(n * 2).order(ByteOrder.BIG_ENDIAN);
    float[] f = new float[n];
    double[] s = new double[n];
    for (int i = 0; i < n; i++) {
      f[i] = i * 0.5f;
      le.putFloat(f[i]);
      s[i] = (short) (i * 7 - 30000);
      be.putShort((short) s[i]);
    }
    long[] shape = {n};
    assertArrayEquals(f, ElementReader.read(new ByteArrayInputStream(le.array()), NpyArray.Kind.FLOAT32, ByteOrder.LITTLE_ENDIAN, shape, n, false, "x")
        .toFloats());
    assertArrayEquals(s, ElementReader.read(new ByteArrayInputStream(be.array()), NpyArray.Kind.INT16, ByteOrder.BIG_ENDIAN, shape, n, false, "x")
        .toDoubles());
    assertThrows(EOFException.class, () -> ElementReader.read(new ByteArrayInputStream(be.array(), 0, n), NpyArray.Kind.INT16,
        ByteOrder.BIG_ENDIAN, shape, n, false, "x"));
  }

  @Test
  void fortranOrderIsReorderedForEveryArrayType() {
    long[] shape = {2, 3};
    assertArrayEquals(new long[] {0, 2, 4, 1, 3, 5}, (long[]) ElementReader.fortranToC(new long[] {0, 1, 2, 3, 4, 5}, shape));
    assertArrayEquals(new float[] {0, 2, 4, 1, 3, 5}, (float[]) ElementReader.fortranToC(new float[] {0, 1, 2, 3, 4, 5}, shape));
  }
}
