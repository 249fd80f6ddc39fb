package dev.tfgraph.layers.merging;

import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.ConfigReader;
import dev.tfgraph.graph.MergeLayer;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/** y = x_0 + x_1 + ..., elementwise over two or more inbound tensors that broadcast as {@link MergeLayer} says (Keras' Add). */
public final class Add extends MergeLayer {
  public Add(String name, boolean trainable) {
    super(name, trainable);
  }

  public Add(String name) {
    this(name, true);
  }

  @Override public String type() { return "Add"; }

  /** Add has no keys of its own; registered in {@code Layers}. */
  public static Add parse(ConfigReader c, String name, boolean trainable) {
    return new Add(name, trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {}

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, List<Operand<T>> inputs, CallContext ctx) {
    return sum(tf, aligned(tf, inputs));
  }

  /** Σ x_i: one AddN for equal shapes, else broadcasting Adds left to right. */
  static <T extends TNumber> Operand<T> sum(Ops tf, List<Operand<T>> xs) {
    if (sameShapes(xs)) return tf.math.addN(xs);
    Operand<T> y = xs.get(0);
    for (int i = 1; i < xs.size(); i++) y = tf.math.add(y, xs.get(i));
    return y;
  }
}
