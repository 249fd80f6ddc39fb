package dev.tfgraph.layers.bilinear;

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
 * Signed square root, continuous at 0: y = sign(x)·(sqrt(|x| + ε) − sqrt(ε)). Its derivative is
 * 1/(2·sqrt(|x| + ε)) everywhere, x = 0 included (both one-sided limits agree). Autograd through
 * sign(x)·f(|x|) gives 0 at x = 0 (sign(0) = 0, abs'(0) = 0), which is wrong; the sign is
 * therefore taken as a constant s = ±1 with s = 1 at 0, so that y = s·(sqrt(s·x + ε) − sqrt(ε))
 * has the same value and the exact derivative.
 */
public final class SignedSqrt extends Layer {
  /** epsilon when the spec gives none: 1e-8. */
  public static final double DEFAULT_EPSILON = 1e-8;
  private final double epsilon;

  /**
   * A signed square root, elementwise; the output has the input's shape.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param epsilon the smoothing under the root, in [1e-30, 1000]
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name or epsilon is not valid
   */
  public SignedSqrt(String name, double epsilon, boolean trainable) {
    super(name, trainable);
    this.epsilon = Checks.epsilon(where(), "epsilon", epsilon, false);
  }

  /**
   * A signed square root with epsilon 1e-8.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @throws dev.tfgraph.graph.BadInputException if the name is not valid
   */
  public SignedSqrt(String name) {
    this(name, DEFAULT_EPSILON, true);
  }

  @Override public String type() { return "SignedSqrt"; }

  /**
   * Reads this layer's keys from a spec, with the defaults above; registered in {@code Layers}.
   * @param c the layer's keys in the model spec (Keras' names)
   * @param name the layer's name, unique in its model
   * @param trainable whether its weights are trained (false freezes them)
   * @return the layer, not yet built
   * @throws dev.tfgraph.graph.BadInputException if a key is missing, of the wrong type or out of range (the
   *     message names the layer and the key)
   */
  public static SignedSqrt parse(ConfigReader c, String name, boolean trainable) {
    return new SignedSqrt(name, c.number("epsilon", DEFAULT_EPSILON), trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    out.put("epsilon", epsilon);
  }

  @Override
  protected Shape computeBuild(Shape input) {
    return input;
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    return signedSqrt(tf, x, epsilon);
  }

  static <T extends TNumber> Operand<T> signedSqrt(Ops tf, Operand<T> x, double eps) {
    Operand<T> s = tf.stopGradient(tf.select(tf.math.greaterEqual(x, tf.constantOfSameType(x, 0)),
        tf.constantOfSameType(x, 1), tf.constantOfSameType(x, -1)));                  // sign, 1 at 0
    Operand<T> root = tf.math.sqrt(tf.math.add(tf.math.mul(s, x), tf.constantOfSameType(x, eps)));  // sqrt(|x| + ε)
    return tf.math.mul(s, tf.math.sub(root, tf.constantOfSameType(x, Math.sqrt(eps))));
  }
}
