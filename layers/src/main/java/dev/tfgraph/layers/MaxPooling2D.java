package dev.tfgraph.layers;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.Checks;
import dev.tfgraph.graph.ConfigReader;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.Shapes;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/** Max pooling, NHWC; strides default to pool_size; padded positions never win (TF semantics). */
public final class MaxPooling2D extends Layer {
  /** pool_size [2, 2]; strides default to pool_size. */
  public static final int DEFAULT_POOL_SIZE = 2;
  public static final String DEFAULT_PADDING = "valid";
  private final int[] poolSize;
  private final int[] strides;
  private final String padding;

  public MaxPooling2D(String name, int[] poolSize, int[] strides, String padding, boolean trainable) {
    super(name, trainable);
    this.poolSize = Checks.pair(where(), "pool_size", poolSize, Checks.MAX_WINDOW).clone();
    this.strides = Checks.pair(where(), "strides", strides == null ? poolSize : strides, Checks.MAX_WINDOW).clone();
    this.padding = Checks.oneOf(where(), "padding", padding, Conv2D.PADDINGS);
  }

  public MaxPooling2D(String name, int pool) {
    this(name, new int[] {pool, pool}, null, DEFAULT_PADDING, true);
  }

  @Override public String type() { return "MaxPooling2D"; }

  /** Reads this layer's keys from a spec, with the defaults above; registered in {@link Layers}. */
  public static MaxPooling2D parse(ConfigReader c, String name, boolean trainable) {
    int[] pool = c.pair("pool_size", new int[] {DEFAULT_POOL_SIZE, DEFAULT_POOL_SIZE});
    return new MaxPooling2D(name, pool, c.pair("strides", pool), c.string("padding", DEFAULT_PADDING), trainable);
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
    return tf.nn.maxPool(x, tf.constant(new int[] {1, poolSize[0], poolSize[1], 1}),
        tf.constant(new int[] {1, strides[0], strides[1], 1}), padding.toUpperCase());
  }
}
