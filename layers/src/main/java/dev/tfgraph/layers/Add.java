package dev.tfgraph.layers;

import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.ConfigReader;
import dev.tfgraph.graph.MergeLayer;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/** y = x_0 + x_1 + ..., elementwise over two or more inbound tensors of equal shape (Keras' Add). */
public final class Add extends MergeLayer {
  public Add(String name, boolean trainable) {
    super(name, trainable);
  }

  public Add(String name) {
    this(name, true);
  }

  @Override public String type() { return "Add"; }

  /** Add has no keys of its own; registered in {@link Layers}. */
  public static Add parse(ConfigReader c, String name, boolean trainable) {
    return new Add(name, trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {}

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, List<Operand<T>> inputs, CallContext ctx) {
    return sum(tf, inputs);
  }

  /** Σ x_i, as one AddN. */
  static <T extends TNumber> Operand<T> sum(Ops tf, List<Operand<T>> xs) {
    return tf.math.addN(xs);
  }
}
