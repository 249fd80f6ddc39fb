package dev.tfgraph.layers;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.Checks;
import dev.tfgraph.graph.ConfigReader;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.Shapes;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/**
 * Average pooling, NHWC, with TF AvgPool semantics: each output is the mean of the in-bounds values
 * of its window; with "same" the padding is split as TF splits it (before = total / 2) and padded
 * positions are not counted. strides default to pool_size, padding to "valid" (as Keras).
 */
public final class AveragePooling2D extends Layer {
  /** pool_size [2, 2]; strides default to pool_size. */
  public static final int DEFAULT_POOL_SIZE = 2;
  public static final String DEFAULT_PADDING = "valid";
  private final int[] poolSize;
  private final int[] strides;
  private final String padding;

  public AveragePooling2D(String name, int[] poolSize, int[] strides, String padding, boolean trainable) {
    super(name, trainable);
    this.poolSize = Checks.pair(where(), "pool_size", poolSize, Checks.MAX_WINDOW).clone();
    this.strides = Checks.pair(where(), "strides", strides == null ? poolSize : strides, Checks.MAX_WINDOW).clone();
    this.padding = Checks.oneOf(where(), "padding", padding, Conv2D.PADDINGS);
  }

  public AveragePooling2D(String name, int pool) {
    this(name, new int[] {pool, pool}, null, DEFAULT_PADDING, true);
  }

  @Override public String type() { return "AveragePooling2D"; }

  /** Reads this layer's keys from a spec, with the defaults above; registered in {@link Layers}. */
  public static AveragePooling2D parse(ConfigReader c, String name, boolean trainable) {
    int[] pool = c.pair("pool_size", new int[] {DEFAULT_POOL_SIZE, DEFAULT_POOL_SIZE});
    return new AveragePooling2D(name, pool, c.pair("strides", pool), c.string("padding", DEFAULT_PADDING), trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    out.put("pool_size", poolSize.clone());
    out.put("strides", strides.clone());
    out.put("padding", padding);
  }

  @Override
  protected Shape computeBuild(Shape input) {
    requireRank(input, 4, "[batch, height, width, channels]");
    long h = Conv2D.outSize(input.get(1), poolSize[0], strides[0], padding);
    long w = Conv2D.outSize(input.get(2), poolSize[1], strides[1], padding);
    if (h < 1 || w < 1) {
      throw new BadInputException(where() + ": pool_size " + Checks.show(poolSize) + " does not fit input " + Shapes.show(input));
    }
    return Shapes.batchOf(h, w, input.get(3));
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    return avgPool(tf, x, poolSize, strides, padding);
  }

  /** TF's AvgPool: y[b, i, j, c] = mean of x[b, window(i, j) ∩ image, c]. */
  static <T extends TNumber> Operand<T> avgPool(Ops tf, Operand<T> x, int[] pool, int[] strides, String padding) {
    return tf.nn.avgPool(x, List.of(1L, (long) pool[0], (long) pool[1], 1L), List.of(1L, (long) strides[0], (long) strides[1], 1L),
        padding.toUpperCase());
  }
}
