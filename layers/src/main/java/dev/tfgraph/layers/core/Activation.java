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

  /**
   * An activation layer.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param activation one of the activations {@code Activations} knows (relu, sigmoid, softmax, ...)
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name or the activation is not valid
   */
  public Activation(String name, String activation, boolean trainable) {
    super(name, trainable);
    this.activation = Activations.check(where(), activation);
  }

  /**
   * A trainable activation layer.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param activation one of the activations {@code Activations} knows
   * @throws dev.tfgraph.graph.BadInputException if the name or the activation is not valid
   */
  public Activation(String name, String activation) {
    this(name, activation, true);
  }

  @Override public String type() { return "Activation"; }
  @Override public String activation() { return activation; }

  /**
   * Reads this layer's keys from a spec (all required); registered in {@code Layers}.
   * @param c the layer's keys in the model spec (Keras' names)
   * @param name the layer's name, unique in its model
   * @param trainable whether its weights are trained (false freezes them)
   * @return the layer, not yet built
   * @throws dev.tfgraph.graph.BadInputException if a key is missing, of the wrong type or out of range (the
   *     message names the layer and the key)
   */
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
