package dev.tfgraph.layers.pooling;

import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.ConfigReader;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/** Max pooling, NHWC; strides default to pool_size; padded positions never win (TF semantics). */
public final class MaxPooling2D extends Pooling2D {
  public MaxPooling2D(String name, int[] poolSize, int[] strides, String padding, boolean trainable) {
    super(name, poolSize, strides, padding, trainable);
  }

  public MaxPooling2D(String name, int pool) {
    this(name, new int[] {pool, pool}, null, DEFAULT_PADDING, true);
  }

  @Override public String type() { return "MaxPooling2D"; }

  /** Reads this layer's keys from a spec, with {@link Pooling2D}'s defaults; registered in {@code Layers}. */
  public static MaxPooling2D parse(ConfigReader c, String name, boolean trainable) {
    int[] pool = c.pair("pool_size", defaultPool());
    return new MaxPooling2D(name, pool, c.pair("strides", pool), c.string("padding", DEFAULT_PADDING), trainable);
  }

  /**
   * The MaxPool op with its window as attributes, not the Ops API's MaxPoolV2 (window as tensors):
   * with oneDNN on, TF rewrites MaxPool and its gradient to oneDNN kernels but leaves MaxPoolV2 and
   * MaxPoolGradV2 on the slower reference kernels (MaxPoolGradV2 was 6% of an ib-cnn training step).
   * Same values and the same gradient (to the first maximum of a window).
   */
  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    return (Operand<T>) (Operand) tf.scope().opBuilder("MaxPool", "MaxPool")
        .addInput(x.asOutput())
        .setAttr("ksize", new long[] {1, poolSize[0], poolSize[1], 1})
        .setAttr("strides", new long[] {1, strides[0], strides[1], 1})
        .setAttr("padding", padding.toUpperCase(java.util.Locale.ROOT))
        .build().output(0);
  }
}
