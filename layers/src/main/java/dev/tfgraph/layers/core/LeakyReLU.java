package dev.tfgraph.layers.core;

import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.Checks;
import dev.tfgraph.graph.ConfigReader;
import dev.tfgraph.graph.Layer;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/**
 * Keras' LeakyReLU layer, elementwise, any shape: x where x ≥ 0, negative_slope·x elsewhere. The
 * slope is in the model's dtype (TF's LeakyRelu op would round it to float32).
 */
public final class LeakyReLU extends Layer {
  /** negative_slope when the spec gives none: 0.3, as Keras. */
  public static final double DEFAULT_NEGATIVE_SLOPE = 0.3;
  private final double negativeSlope;

  /**
   * A leaky ReLU.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param negativeSlope the factor of negative inputs, in [0, 1000]
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name or the slope is not valid
   */
  public LeakyReLU(String name, double negativeSlope, boolean trainable) {
    super(name, trainable);
    this.negativeSlope = Checks.inRange(where(), "negative_slope", negativeSlope, 0, Checks.MAX_COEFFICIENT);
  }

  /**
   * A leaky ReLU with the default slope 0.3.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @throws dev.tfgraph.graph.BadInputException if the name is not valid
   */
  public LeakyReLU(String name) {
    this(name, DEFAULT_NEGATIVE_SLOPE, true);
  }

  @Override public String type() { return "LeakyReLU"; }

  /**
   * Reads this layer's keys from a spec, with the defaults above; registered in {@code Layers}.
   * @param c the layer's keys in the model spec (Keras' names)
   * @param name the layer's name, unique in its model
   * @param trainable whether its weights are trained (false freezes them)
   * @return the layer, not yet built
   * @throws dev.tfgraph.graph.BadInputException if a key is missing, of the wrong type or out of range (the
   *     message names the layer and the key)
   */
  public static LeakyReLU parse(ConfigReader c, String name, boolean trainable) {
    return new LeakyReLU(name, c.number("negative_slope", DEFAULT_NEGATIVE_SLOPE), trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    out.put("negative_slope", negativeSlope);
  }

  @Override
  protected Shape computeBuild(Shape input) {
    return input;
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    return leakyRelu(tf, x, negativeSlope);
  }

  /** x ≥ 0: x; x < 0: slope·x. */
  static <T extends TNumber> Operand<T> leakyRelu(Ops tf, Operand<T> x, double slope) {
    return tf.select(tf.math.greaterEqual(x, tf.constantOfSameType(x, 0)), x, tf.math.mul(tf.constantOfSameType(x, slope), x));
  }
}
