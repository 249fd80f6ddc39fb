package dev.tfgraph.layers;

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

  /** Reads this layer's keys from a spec, with {@link Pooling2D}'s defaults; registered in {@link Layers}. */
  public static MaxPooling2D parse(ConfigReader c, String name, boolean trainable) {
    int[] pool = c.pair("pool_size", defaultPool());
    return new MaxPooling2D(name, pool, c.pair("strides", pool), c.string("padding", DEFAULT_PADDING), trainable);
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    return tf.nn.maxPool(x, tf.constant(new int[] {1, poolSize[0], poolSize[1], 1}),
        tf.constant(new int[] {1, strides[0], strides[1], 1}), padding.toUpperCase());
  }
}
