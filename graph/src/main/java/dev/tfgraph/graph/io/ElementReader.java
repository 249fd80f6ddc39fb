package dev.tfgraph.graph.io;

import dev.tfgraph.graph.BadInputException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Decodes array elements from a stream straight into the array {@link NpyArray} keeps, 64 KiB at
 * a time: no copy of the whole payload is held, so the heap an array takes is what
 * {@link ArrayBudget#decodedBytes} says.
 */
final class ElementReader {
  static final int CHUNK = 1 << 16;

  private ElementReader() {}

  /** n elements (n fits the shape) of a kind in a byte order; Fortran order is reordered to row-major. */
  static NpyArray read(InputStream in, NpyArray.Kind kind, ByteOrder order, long[] shape, int n, boolean fortran, String what)
      throws IOException {
    float[] f = kind == NpyArray.Kind.FLOAT32 ? new float[n] : null;
    long[] l = kind == NpyArray.Kind.INT64 || kind == NpyArray.Kind.UINT64 ? new long[n] : null;
    double[] d = f == null && l == null ? new double[n] : null;
    byte[] buf = new byte[CHUNK];
    int item = kind.itemSize;
    for (int done = 0; done < n; ) {
      int count = Math.min(n - done, CHUNK / item);
      if (in.readNBytes(buf, 0, count * item) < count * item) throw new EOFException();
      ByteBuffer b = ByteBuffer.wrap(buf, 0, count * item).order(order);
      switch (kind) {
        case FLOAT32 -> b.asFloatBuffer().get(f, done, count);
        case FLOAT64 -> b.asDoubleBuffer().get(d, done, count);
        case INT64, UINT64 -> b.asLongBuffer().get(l, done, count);
        default -> {
          for (int i = 0; i < count; i++) d[done + i] = integer(kind, b);
        }
      }
      done += count;
    }
    if (kind == NpyArray.Kind.UINT64) {
      for (long v : l) if (v < 0) throw new BadInputException(what + ": uint64 value above 2^63");
    }
    if (fortran) {   // e.g. np.save of a transposed view
      if (f != null) f = (float[]) fortranToC(f, shape);
      if (l != null) l = (long[]) fortranToC(l, shape);
      if (d != null) d = (double[]) fortranToC(d, shape);
    }
    return f != null ? NpyArray.ofFloats(shape, f) : l != null ? NpyArray.ofLongs(shape, l) : NpyArray.of(kind, shape, d);
  }

  private static double integer(NpyArray.Kind kind, ByteBuffer b) {
    return switch (kind) {
      case INT8 -> b.get();
      case UINT8 -> b.get() & 0xff;
      case BOOL -> b.get() != 0 ? 1 : 0;
      case INT16 -> b.getShort();
      case UINT16 -> b.getShort() & 0xffff;
      case INT32 -> b.getInt();
      case UINT32 -> b.getInt() & 0xffffffffL;
      default -> throw new IllegalStateException(kind.toString());
    };
  }

  /** Reorders a column-major (Fortran) primitive array to row-major; a new array of the same type. */
  static Object fortranToC(Object data, long[] shape) {
    int rank = shape.length;
    if (rank < 2) return data;
    int count = Array.getLength(data);
    Object out = Array.newInstance(data.getClass().getComponentType(), count);
    long[] idx = new long[rank];
    for (int r = 0; r < count; r++) {
      long off = 0, stride = 1;
      for (int k = 0; k < rank; k++) {   // column-major offset of the row-major index idx
        off += idx[k] * stride;
        stride *= shape[k];
      }
      System.arraycopy(data, (int) off, out, r, 1);
      for (int k = rank - 1; k >= 0; k--) {   // next row-major index
        if (++idx[k] < shape[k]) break;
        idx[k] = 0;
      }
    }
    return out;
  }
}
