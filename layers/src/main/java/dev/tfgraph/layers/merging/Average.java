package dev.tfgraph.layers.merging;

import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.ConfigReader;
import dev.tfgraph.graph.MergeLayer;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/** y = (x_0 + x_1 + ...) / n, elementwise over n ≥ 2 inbound tensors that broadcast as {@link MergeLayer} says (Keras' Average). */
public final class Average extends MergeLayer {
  public Average(String name, boolean trainable) {
    super(name, trainable);
  }

  public Average(String name) {
    this(name, true);
  }

  @Override public String type() { return "Average"; }

  /** Average has no keys of its own; registered in {@code Layers}. */
  public static Average parse(ConfigReader c, String name, boolean trainable) {
    return new Average(name, trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {}

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, List<Operand<T>> inputs, CallContext ctx) {
    return mean(tf, aligned(tf, inputs));
  }

  /** Σ x_i / n. */
  static <T extends TNumber> Operand<T> mean(Ops tf, List<Operand<T>> xs) {
    Operand<T> s = Add.sum(tf, xs);
    return tf.math.div(s, tf.constantOfSameType(s, xs.size()));
  }
}
