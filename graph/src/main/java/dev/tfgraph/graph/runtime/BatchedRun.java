package dev.tfgraph.graph.runtime;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Shapes;
import dev.tfgraph.graph.io.NpyArray;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;

/**
 * The one batched-fetch loop: runs one fetch over n examples of every input (floats, or encoded bytes), {@code batchSize}
 * rows per {@code Session.run}, and concatenates the outputs along the batch axis (float64 outputs as
 * float64, any other as float32).
 * Prediction ({@link ModelRuntime#predict}, the export's {@code Predictor}) and adaptation use it.
 */
public final class BatchedRun {
  /** One input of the run: the tensor it feeds ("op:index"), and a tensor of its rows [from, from + count). */
  public interface Input {
    /** @return the fed tensor, "op:index" */
    String name();

    /**
     * @param from the first row
     * @param count the rows
     * @return a new tensor of those rows, [count, ...], closed by the caller
     */
    Tensor rows(int from, int count);
  }

  /** A float input: its shape (batch axis −1), its rows row-major, made into tensors of {@code type}. */
  public record Feed(String name, Shape shape, float[] rows) {
    /**
     * @param placeholder the fed placeholder
     * @param shape its shape, batch axis -1
     * @param rows the examples, row-major
     * @return the feed
     */
    public static Feed of(Operand<?> placeholder, Shape shape, float[] rows) {
      return new Feed(endpoint(placeholder), shape, rows);
    }

    /**
     * A float input of tensor {@code name} ("op:index"), made into tensors of {@code type}.
     * @param name the fed tensor, "op:index"
     * @param shape its shape, batch axis -1
     * @param rows the examples, row-major
     * @param type the tensor type fed, TFloat32.class or TFloat64.class
     * @return the input
     */
    public static Input of(String name, Shape shape, float[] rows, Class<?> type) {
      return new Feed(name, shape, rows).as(type);
    }

    Input as(Class<?> type) {
      long size = Shapes.exampleSize(shape);
      return new Input() {
        @Override public String name() { return name; }
        @Override public Tensor rows(int from, int count) { return Tensors.rows(type, shape, rows, from, count, size); }
      };
    }
  }

  /** A float64 input fed as float64 (a float64 model's precision): its shape (batch axis −1), its rows row-major. */
  public record Doubles(String name, Shape shape, double[] rows) implements Input {
    @Override
    public Tensor rows(int from, int count) {
      return Tensors.rows(org.tensorflow.types.TFloat64.class, shape, rows, from, count, Shapes.exampleSize(shape));
    }
  }

  /** A string input: one encoded item (e.g. an image file's bytes) per row. */
  public record Bytes(String name, List<byte[]> items) implements Input {
    @Override
    public Tensor rows(int from, int count) {
      return org.tensorflow.types.TString.tensorOfBytes(
          org.tensorflow.ndarray.NdArrays.vectorOfObjects(items.subList(from, from + count).toArray(byte[][]::new)));
    }
  }

  private BatchedRun() {}

  /**
   * "op:index" of an operand, as Session.Runner's feed and fetch take it.
   * @param o an operand of the graph
   * @return its "op:index"
   */
  public static String endpoint(Operand<?> o) {
    Output<?> out = o.asOutput();
    return out.op().name() + ":" + out.index();
  }

  /**
   * {@code fetch} for rows [0, n) of every feed; {@code type} is the inputs' tensor type.
   * @param session the session of the graph
   * @param type the inputs' tensor type, TFloat32.class or TFloat64.class
   * @param feeds one per input, each with at least n rows
   * @param n the examples, at least 1
   * @param batchSize the rows per Session.run, at least 1
   * @param fetch the fetched tensor, "op:index"; batch axis first
   * @return the fetched values of the n examples, [n, ...]
   * @throws BadInputException if n or batchSize is below 1
   */
  public static NpyArray run(Session session, Class<?> type, List<Feed> feeds, int n, int batchSize, String fetch) {
    return run(session, feeds.stream().map(f -> f.as(type)).toList(), n, batchSize, fetch);
  }

  /**
   * {@code fetch} for rows [0, n) of every input, {@code batchSize} rows per run; a float64 fetch stays
   * float64.
   * @param session the session of the graph
   * @param feeds one per input, each with at least n rows
   * @param n the examples, at least 1
   * @param batchSize the rows per Session.run, at least 1
   * @param fetch the fetched tensor, "op:index"; batch axis first
   * @return the fetched values of the n examples, [n, ...], float64 for a float64 fetch and float32 otherwise
   * @throws BadInputException if n or batchSize is below 1
   */
  public static NpyArray run(Session session, List<? extends Input> feeds, int n, int batchSize, String fetch) {
    if (batchSize < 1) throw new BadInputException("batch size must be positive, received " + batchSize);
    if (n < 1) throw new BadInputException("no examples to run, expected at least one");
    float[] out = null;
    double[] out64 = null;
    long[] outShape = null;
    long rowSize = 0;
    Tensor[] xs = new Tensor[feeds.size()];
    for (int from = 0; from < n; from += batchSize) {
      int b = Math.min(batchSize, n - from);
      try {
        Session.Runner r = session.runner();
        for (int i = 0; i < xs.length; i++) {
          Input f = feeds.get(i);
          xs[i] = f.rows(from, b);
          r.feed(f.name(), xs[i]);
        }
        try (Result res = r.fetch(fetch).run()) {
          Tensor y = res.get(0);
          if (outShape == null) {
            outShape = y.shape().asArray();
            outShape[0] = n;
            rowSize = y.shape().size() / b;
            if (y instanceof org.tensorflow.types.TFloat64) out64 = new double[Math.toIntExact(n * rowSize)];
            else out = new float[Math.toIntExact(n * rowSize)];
          }
          if (out64 != null) {
            double[] d = Tensors.toDoubles(y);
            System.arraycopy(d, 0, out64, Math.toIntExact(from * rowSize), d.length);
          } else {
            float[] f = Tensors.toFloats(y);
            System.arraycopy(f, 0, out, Math.toIntExact(from * rowSize), f.length);
          }
        }
      } finally {
        for (int i = 0; i < xs.length; i++) {
          if (xs[i] != null) xs[i].close();
          xs[i] = null;
        }
      }
    }
    return out64 != null ? NpyArray.ofDoubles(outShape, out64) : NpyArray.ofFloats(outShape, out);
  }
}
