package dev.tfgraph.layers;

import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.ConfigReader;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/** Mean over height and width, NHWC: [batch, H, W, C] to [batch, C]. */
public final class GlobalAveragePooling2D extends GlobalPooling2D {
  public GlobalAveragePooling2D(String name, boolean trainable) {
    super(name, trainable);
  }

  public GlobalAveragePooling2D(String name) {
    this(name, true);
  }

  @Override public String type() { return "GlobalAveragePooling2D"; }

  /** Reads this layer's keys from a spec (it has none of its own); registered in {@link Layers}. */
  public static GlobalAveragePooling2D parse(ConfigReader c, String name, boolean trainable) {
    return new GlobalAveragePooling2D(name, trainable);
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    return globalAverage(tf, x);
  }

  /** y[b, c] = mean over i, j of x[b, i, j, c]. */
  static <T extends TNumber> Operand<T> globalAverage(Ops tf, Operand<T> x) {
    return tf.math.mean(x, tf.constant(new int[] {1, 2}));
  }
}
