package dev.tfgraph.layers.core;

import dev.tfgraph.graph.model.Activated;
import dev.tfgraph.graph.activation.Activations;
import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.ConfigReader;
import dev.tfgraph.graph.Layer;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/** act(x) for one of the contract's activations; softmax over the last axis. */
public final class Activation extends Layer implements Activated {
  private final String activation;

  public Activation(String name, String activation, boolean trainable) {
    super(name, trainable);
    this.activation = Activations.check(where(), activation);
  }

  public Activation(String name, String activation) {
    this(name, activation, true);
  }

  @Override public String type() { return "Activation"; }
  @Override public String activation() { return activation; }

  /** Reads this layer's keys from a spec (all required); registered in {@code Layers}. */
  public static Activation parse(ConfigReader c, String name, boolean trainable) {
    return new Activation(name, c.string("activation", null), trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    out.put("activation", activation);
  }

  @Override
  protected Shape computeBuild(Shape input) {
    return input;
  }

  @Override
  public <T extends TNumber> Operand<T> callLinear(Ops tf, Operand<T> x, CallContext ctx) {
    return x;
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    return Activations.apply(tf, activation, x);
  }
}
