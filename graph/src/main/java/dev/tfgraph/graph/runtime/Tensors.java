package dev.tfgraph.graph.runtime;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Shapes;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;

/** Bulk copies between Java arrays and tensors of the model dtype (float32 or float64). */
public final class Tensors {
  private Tensors() {}

  /**
   * @param name "float32" or "float64"
   * @return TFloat32.class or TFloat64.class
   * @throws BadInputException for another name
   */
  @SuppressWarnings("unchecked")
  public static Class<? extends TNumber> dtype(String name) {
    return switch (name) {
      case "float32" -> TFloat32.class;
      case "float64" -> TFloat64.class;
      default -> throw new BadInputException("dtype must be float32 or float64, received \"" + name + "\"");
    };
  }

  /**
   * A tensor of the values, cast to the type.
   * @param type TFloat32.class or TFloat64.class (any other: float64)
   * @param shape its shape
   * @param data as many values as the shape holds, row-major
   * @return a new tensor, closed by the caller
   */
  public static Tensor of(Class<?> type, Shape shape, float[] data) {
    if (type == TFloat32.class) return TFloat32.tensorOf(shape, DataBuffers.of(data, true, false));
    double[] d = new double[data.length];
    for (int i = 0; i < d.length; i++) d[i] = data[i];
    return TFloat64.tensorOf(shape, DataBuffers.of(d, true, false));
  }

  /**
   * A tensor of the values, cast to the type.
   * @param type TFloat64.class or TFloat32.class (any other: float32)
   * @param shape its shape
   * @param data as many values as the shape holds, row-major
   * @return a new tensor, closed by the caller
   */
  public static Tensor of(Class<?> type, Shape shape, double[] data) {
    if (type == TFloat64.class) return TFloat64.tensorOf(shape, DataBuffers.of(data, true, false));
    float[] f = new float[data.length];
    for (int i = 0; i < f.length; i++) f[i] = (float) data[i];
    return TFloat32.tensorOf(shape, DataBuffers.of(f, true, false));
  }

  /**
   * Part of a row-major array: rows [from, from + n) of examples of the given size.
   * @param type TFloat32.class or TFloat64.class
   * @param exampleBatchShape the shape of a batch, batch axis first (its size replaced by n)
   * @param data the examples, row-major
   * @param from the first row
   * @param n the rows
   * @param exampleSize the values of one example
   * @return a new tensor [n, ...], closed by the caller
   */
  public static Tensor rows(Class<?> type, Shape exampleBatchShape, float[] data, long from, int n, long exampleSize) {
    int len = Math.toIntExact(n * exampleSize);
    int off = Math.toIntExact(from * exampleSize);
    Shape s = Shapes.withBatch(exampleBatchShape, n);
    if (type == TFloat32.class) {
      TFloat32 t = TFloat32.tensorOf(s);
      t.asRawTensor().data().asFloats().write(data, off, len);
      return t;
    }
    double[] d = new double[len];
    for (int i = 0; i < len; i++) d[i] = data[off + i];
    return TFloat64.tensorOf(s, DataBuffers.of(d, true, false));
  }

  /**
   * As {@link #rows(Class, Shape, float[], long, int, long)} for float64 data (kept float64 for a float64
   * type).
   * @param type TFloat32.class or TFloat64.class
   * @param exampleBatchShape the shape of a batch, batch axis first (its size replaced by n)
   * @param data the examples, row-major
   * @param from the first row
   * @param n the rows
   * @param exampleSize the values of one example
   * @return a new tensor [n, ...], closed by the caller
   */
  public static Tensor rows(Class<?> type, Shape exampleBatchShape, double[] data, long from, int n, long exampleSize) {
    int off = Math.toIntExact(from * exampleSize);
    return of(type, Shapes.withBatch(exampleBatchShape, n), java.util.Arrays.copyOfRange(data, off, Math.toIntExact(off + n * exampleSize)));
  }

  /**
   * The arrays one after another.
   * @param parts the arrays
   * @return a new array
   */
  public static float[] concat(java.util.List<float[]> parts) {
    float[] out = new float[parts.stream().mapToInt(p -> p.length).sum()];
    int off = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, out, off, p.length);
      off += p.length;
    }
    return out;
  }

  /**
   * @param t a float32 or float64 tensor
   * @return its values as float32, row-major
   * @throws IllegalArgumentException for another dtype
   */
  public static float[] toFloats(Tensor t) {
    float[] out = new float[Math.toIntExact(t.shape().size())];
    if (t instanceof TFloat32 f) f.asRawTensor().data().asFloats().read(out);
    else if (t instanceof TFloat64 d) {
      double[] tmp = new double[out.length];
      d.asRawTensor().data().asDoubles().read(tmp);
      for (int i = 0; i < out.length; i++) out[i] = (float) tmp[i];
    } else throw new IllegalArgumentException("not a float tensor: " + t.dataType());
    return out;
  }

  /**
   * @param t a float32 or float64 tensor
   * @return its values as float64, row-major
   * @throws IllegalArgumentException for another dtype
   */
  public static double[] toDoubles(Tensor t) {
    double[] out = new double[Math.toIntExact(t.shape().size())];
    if (t instanceof TFloat64 d) d.asRawTensor().data().asDoubles().read(out);
    else if (t instanceof TFloat32 f) {
      float[] tmp = new float[out.length];
      f.asRawTensor().data().asFloats().read(tmp);
      for (int i = 0; i < out.length; i++) out[i] = tmp[i];
    } else throw new IllegalArgumentException("not a float tensor: " + t.dataType());
    return out;
  }

  /**
   * @param t a float32 or float64 tensor of at least one value
   * @return its first value
   */
  public static double scalar(Tensor t) {
    return toDoubles(t)[0];
  }

  /**
   * @param y class indices
   * @param from the first
   * @param n how many
   * @return a new [n] int32 tensor of y[from .. from + n), closed by the caller
   */
  public static TInt32 labels(int[] y, int from, int n) {
    TInt32 t = TInt32.tensorOf(Shape.of(n));
    t.asRawTensor().data().asInts().write(y, from, n);
    return t;
  }

  /**
   * @param seed the run's seed
   * @param step the step
   * @return a new [2] int64 tensor [seed, step], closed by the caller
   */
  public static TInt64 seed(long seed, long step) {
    return TInt64.vectorOf(seed, step);
  }
}
