package dev.tfgraph.layers.core;

import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.Checks;
import dev.tfgraph.graph.ConfigReader;
import dev.tfgraph.graph.MergeLayer;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/**
 * InceptionResNetV2's residual scaling (Keras' applications): y = x_0 + scale·x_1 over exactly two
 * inbound tensors, which broadcast as a merge layer's.
 */
public final class CustomScaleLayer extends MergeLayer {
  private final double scale;

  /**
   * A residual scaling layer.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param scale the factor of the second inbound tensor, in [-1000, 1000]
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name or the scale is not valid
   */
  public CustomScaleLayer(String name, double scale, boolean trainable) {
    super(name, trainable);
    this.scale = Checks.inRange(where(), "scale", scale, -Checks.MAX_COEFFICIENT, Checks.MAX_COEFFICIENT);
  }

  @Override public String type() { return "CustomScaleLayer"; }

  @Override public int maxInbound() { return 2; }

  /**
   * Reads scale (required); registered in {@code Layers}.
   * @param c the layer's keys in the model spec (Keras' names)
   * @param name the layer's name, unique in its model
   * @param trainable whether its weights are trained (false freezes them)
   * @return the layer, not yet built
   * @throws dev.tfgraph.graph.BadInputException if a key is missing, of the wrong type or out of range (the
   *     message names the layer and the key)
   */
  public static CustomScaleLayer parse(ConfigReader c, String name, boolean trainable) {
    return new CustomScaleLayer(name, c.number("scale", null), trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    out.put("scale", scale);
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, List<Operand<T>> inputs, CallContext ctx) {
    List<Operand<T>> xs = aligned(tf, inputs);
    return scaledSum(tf, xs.get(0), xs.get(1), scale);
  }

  /** x_0 + scale·x_1, the scale in the model's dtype. */
  static <T extends TNumber> Operand<T> scaledSum(Ops tf, Operand<T> x0, Operand<T> x1, double scale) {
    return tf.math.add(x0, tf.math.mul(x1, tf.constantOfSameType(x1, scale)));
  }
}
