package dev.tfgraph.layers.pooling;

import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.ConfigReader;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.family.TNumber;

/** Mean over height and width, NHWC: [batch, H, W, C] to [batch, C] ([batch, 1, 1, C] with keepdims). */
public final class GlobalAveragePooling2D extends GlobalPooling2D {
  /**
   * A global mean over height and width.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param keepdims true for [batch, 1, 1, C], false for [batch, C]
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name is not valid
   */
  public GlobalAveragePooling2D(String name, boolean keepdims, boolean trainable) {
    super(name, keepdims, trainable);
  }

  /**
   * A global mean to [batch, C].
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name is not valid
   */
  public GlobalAveragePooling2D(String name, boolean trainable) {
    super(name, trainable);
  }

  /**
   * A trainable global mean to [batch, C].
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @throws dev.tfgraph.graph.BadInputException if the name is not valid
   */
  public GlobalAveragePooling2D(String name) {
    this(name, true);
  }

  @Override public String type() { return "GlobalAveragePooling2D"; }

  /**
   * Reads keepdims (default false); registered in {@code Layers}.
   * @param c the layer's keys in the model spec (Keras' names)
   * @param name the layer's name, unique in its model
   * @param trainable whether its weights are trained (false freezes them)
   * @return the layer, not yet built
   * @throws dev.tfgraph.graph.BadInputException if a key is missing, of the wrong type or out of range (the
   *     message names the layer and the key)
   */
  public static GlobalAveragePooling2D parse(ConfigReader c, String name, boolean trainable) {
    return new GlobalAveragePooling2D(name, c.bool("keepdims", DEFAULT_KEEPDIMS), trainable);
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    return globalAverage(tf, x, keepdims);
  }

  /** y[b, c] (or y[b, 0, 0, c] with keepdims) = mean over i, j of x[b, i, j, c]. */
  static <T extends TNumber> Operand<T> globalAverage(Ops tf, Operand<T> x, boolean keepdims) {
    return tf.math.mean(x, tf.constant(new int[] {1, 2}), Mean.keepDims(keepdims));
  }
}
