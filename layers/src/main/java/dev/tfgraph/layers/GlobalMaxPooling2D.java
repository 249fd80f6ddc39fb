package dev.tfgraph.layers;

import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.ConfigReader;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/** Maximum over height and width, NHWC: [batch, H, W, C] to [batch, C]. */
public final class GlobalMaxPooling2D extends GlobalPooling2D {
  public GlobalMaxPooling2D(String name, boolean trainable) {
    super(name, trainable);
  }

  public GlobalMaxPooling2D(String name) {
    this(name, true);
  }

  @Override public String type() { return "GlobalMaxPooling2D"; }

  /** Reads this layer's keys from a spec (it has none of its own); registered in {@link Layers}. */
  public static GlobalMaxPooling2D parse(ConfigReader c, String name, boolean trainable) {
    return new GlobalMaxPooling2D(name, trainable);
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    return globalMax(tf, x);
  }

  /** y[b, c] = maximum over i, j of x[b, i, j, c]. */
  static <T extends TNumber> Operand<T> globalMax(Ops tf, Operand<T> x) {
    return tf.max(x, tf.constant(new int[] {1, 2}));
  }
}
