package dev.tfgraph.layers.pooling;

import dev.tfgraph.layers.merging.Maximum;
import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.ConfigReader;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Max;
import org.tensorflow.types.family.TNumber;

/** Maximum over height and width, NHWC: [batch, H, W, C] to [batch, C] ([batch, 1, 1, C] with keepdims). */
public final class GlobalMaxPooling2D extends GlobalPooling2D {
  public GlobalMaxPooling2D(String name, boolean keepdims, boolean trainable) {
    super(name, keepdims, trainable);
  }

  public GlobalMaxPooling2D(String name, boolean trainable) {
    super(name, trainable);
  }

  public GlobalMaxPooling2D(String name) {
    this(name, true);
  }

  @Override public String type() { return "GlobalMaxPooling2D"; }

  /** Reads keepdims (default false); registered in {@code Layers}. */
  public static GlobalMaxPooling2D parse(ConfigReader c, String name, boolean trainable) {
    return new GlobalMaxPooling2D(name, c.bool("keepdims", DEFAULT_KEEPDIMS), trainable);
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    return globalMax(tf, x, keepdims);
  }

  /** y[b, c] (or y[b, 0, 0, c] with keepdims) = maximum over i, j of x[b, i, j, c]. */
  static <T extends TNumber> Operand<T> globalMax(Ops tf, Operand<T> x, boolean keepdims) {
    return tf.max(x, tf.constant(new int[] {1, 2}), Max.keepDims(keepdims));
  }
}
