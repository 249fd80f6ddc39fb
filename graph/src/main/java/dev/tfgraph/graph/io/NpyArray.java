package dev.tfgraph.graph.io;

import dev.tfgraph.graph.BadInputException;
import java.util.Arrays;

/** An n-dimensional array as numpy stores it: a kind (dtype), a shape and row-major values. */
public final class NpyArray {
  /** numpy's dtype of the array, and its bytes per value in a file. */
  public enum Kind {
    /** 4-byte floats, kept as float32. */
    FLOAT32("float32", 4),
    /** 8-byte floats. */
    FLOAT64("float64", 8),
    /** Signed bytes. */
    INT8("int8", 1),
    /** Unsigned bytes, e.g. image pixels in [0, 255]. */
    UINT8("uint8", 1),
    /** 2-byte signed integers. */
    INT16("int16", 2),
    /** 2-byte unsigned integers. */
    UINT16("uint16", 2),
    /** 4-byte signed integers, e.g. class labels. */
    INT32("int32", 4),
    /** 4-byte unsigned integers. */
    UINT32("uint32", 4),
    /** 8-byte signed integers, kept exactly. */
    INT64("int64", 8),
    /** 8-byte unsigned integers. */
    UINT64("uint64", 8),
    /** numpy's bool, one byte, 0 or 1. */
    BOOL("bool", 1);
    final String numpy;
    final int itemSize;

    Kind(String numpy, int itemSize) {
      this.numpy = numpy;
      this.itemSize = itemSize;
    }
  }

  private final Kind kind;
  private final long[] shape;
  private final double[] doubles;   // FLOAT64 and integer kinds exact up to 2^53
  private final float[] floats;     // FLOAT32
  private final long[] longs;       // INT64 / UINT64 (exact)

  private NpyArray(Kind kind, long[] shape, float[] f, double[] d, long[] l) {
    this.kind = kind;
    this.shape = shape.clone();
    long n = product(shape);
    long len = f != null ? f.length : d != null ? d.length : l.length;
    if (len != n) {
      throw new BadInputException("array has " + len + " values, expected " + n + " for shape " + Arrays.toString(shape));
    }
    this.floats = f;
    this.doubles = d;
    this.longs = l;
  }

  static long product(long[] shape) {
    long n = 1;
    for (long s : shape) {
      if (s < 0) throw new BadInputException("negative dimension in shape " + Arrays.toString(shape));
      n = Math.multiplyExact(n, s);
    }
    return n;
  }

  /**
   * @param shape the shape
   * @param data its values, row-major (kept, not copied)
   * @return a float32 array
   * @throws dev.tfgraph.graph.BadInputException if the count does not fit the shape
   */
  public static NpyArray ofFloats(long[] shape, float[] data) {
    return new NpyArray(Kind.FLOAT32, shape, data, null, null);
  }

  /**
   * @param shape the shape
   * @param data its values, row-major (kept, not copied)
   * @return a float64 array
   * @throws dev.tfgraph.graph.BadInputException if the count does not fit the shape
   */
  public static NpyArray ofDoubles(long[] shape, double[] data) {
    return new NpyArray(Kind.FLOAT64, shape, null, data, null);
  }

  /**
   * @param shape the shape
   * @param data its values, row-major (kept, not copied)
   * @return an int64 array
   * @throws dev.tfgraph.graph.BadInputException if the count does not fit the shape
   */
  public static NpyArray ofLongs(long[] shape, long[] data) {
    return new NpyArray(Kind.INT64, shape, null, null, data);
  }

  /**
   * @param shape the shape
   * @param data its values, row-major
   * @return an int32 array
   * @throws dev.tfgraph.graph.BadInputException if the count does not fit the shape
   */
  public static NpyArray ofInts(long[] shape, int[] data) {
    double[] d = new double[data.length];
    for (int i = 0; i < d.length; i++) d[i] = data[i];
    return new NpyArray(Kind.INT32, shape, null, d, null);
  }

  /**
   * @param shape the shape
   * @param data its values, row-major
   * @param unsigned true for uint8 (0 to 255), false for int8
   * @return the array
   * @throws dev.tfgraph.graph.BadInputException if the count does not fit the shape
   */
  public static NpyArray ofBytes(long[] shape, byte[] data, boolean unsigned) {
    double[] d = new double[data.length];
    for (int i = 0; i < d.length; i++) d[i] = unsigned ? (data[i] & 0xff) : data[i];
    return new NpyArray(unsigned ? Kind.UINT8 : Kind.INT8, shape, null, d, null);
  }

  /** Any kind from decoded values (integers as doubles, exact below 2^53). */
  static NpyArray of(Kind kind, long[] shape, double[] values) {
    return new NpyArray(kind, shape, null, values, null);
  }

  /** @return the dtype */
  public Kind kind() { return kind; }
  /** @return the shape (a new array) */
  public long[] shape() { return shape.clone(); }
  /** @return the number of values */
  public long size() { return product(shape); }
  /** @return true for float32 and float64 */
  public boolean isFloating() { return kind == Kind.FLOAT32 || kind == Kind.FLOAT64; }
  /** @return numpy's name of the dtype, e.g. "float32" */
  public String dtypeName() { return kind.numpy; }
  /** @return the shape as messages show it, e.g. "[60000, 28, 28]" */
  public String shapeString() { return Arrays.toString(shape); }

  /** @return the values as float32, row-major (a new array) */
  public float[] toFloats() {
    if (floats != null) return floats.clone();
    int n = (int) size();
    float[] out = new float[n];
    for (int i = 0; i < n; i++) out[i] = (float) (doubles != null ? doubles[i] : longs[i]);
    return out;
  }

  /** @return the values as float64, row-major (a new array) */
  public double[] toDoubles() {
    int n = (int) size();
    double[] out = new double[n];
    for (int i = 0; i < n; i++) out[i] = floats != null ? floats[i] : doubles != null ? doubles[i] : longs[i];
    return out;
  }

  /**
   * @return the values of an integer or bool array, row-major (a new array)
   * @throws dev.tfgraph.graph.BadInputException for a float array
   */
  public long[] toLongs() {
    if (isFloating()) throw new BadInputException("expected an integer dtype, received " + kind.numpy);
    if (longs != null) return longs.clone();
    long[] out = new long[doubles.length];
    for (int i = 0; i < out.length; i++) out[i] = (long) doubles[i];
    return out;
  }

  /**
   * @return the values of an integer or bool array, row-major (a new array)
   * @throws dev.tfgraph.graph.BadInputException for a float array or a value beyond 32 bits
   */
  public int[] toInts() {
    long[] l = toLongs();
    int[] out = new int[l.length];
    for (int i = 0; i < l.length; i++) {
      if (l[i] < Integer.MIN_VALUE || l[i] > Integer.MAX_VALUE) {
        throw new BadInputException("value " + l[i] + " at index " + i + " does not fit a 32-bit integer");
      }
      out[i] = (int) l[i];
    }
    return out;
  }

  /** Raw access for writers (no copy). */
  float[] rawFloats() { return floats; }
  double[] rawDoubles() { return doubles; }
  long[] rawLongs() { return longs; }
}
