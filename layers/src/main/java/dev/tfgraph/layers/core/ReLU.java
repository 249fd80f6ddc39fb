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
 * Keras' ReLU layer, elementwise, any shape: min(x, max_value) where x > threshold, and
 * negative_slope·(x − threshold) where x ≤ threshold (0 at x = threshold, as Keras 3).
 * max_value null means no upper bound.
 */
public final class ReLU extends Layer {
  /** negative_slope when the spec gives none: 0. */
  public static final double DEFAULT_NEGATIVE_SLOPE = 0.0;
  /** threshold when the spec gives none: 0. */
  public static final double DEFAULT_THRESHOLD = 0.0;
  private final Double maxValue;
  private final double negativeSlope;
  private final double threshold;

  /**
   * A ReLU with Keras' options.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param maxValue the upper bound, in [0, 1000], or null for none
   * @param negativeSlope the factor below the threshold, in [0, 1000]
   * @param threshold the point where the slope changes, in [0, 1000]
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name or a value is out of range
   */
  public ReLU(String name, Double maxValue, double negativeSlope, double threshold, boolean trainable) {
    super(name, trainable);
    this.maxValue = maxValue == null ? null : Checks.inRange(where(), "max_value", maxValue, 0, Checks.MAX_COEFFICIENT);
    this.negativeSlope = Checks.inRange(where(), "negative_slope", negativeSlope, 0, Checks.MAX_COEFFICIENT);
    this.threshold = Checks.inRange(where(), "threshold", threshold, 0, Checks.MAX_COEFFICIENT);
  }

  /**
   * The plain ReLU max(x, 0).
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @throws dev.tfgraph.graph.BadInputException if the name is not valid
   */
  public ReLU(String name) {
    this(name, null, DEFAULT_NEGATIVE_SLOPE, DEFAULT_THRESHOLD, true);
  }

  @Override public String type() { return "ReLU"; }

  /**
   * Reads this layer's keys from a spec, with the defaults above; registered in {@code Layers}.
   * @param c the layer's keys in the model spec (Keras' names)
   * @param name the layer's name, unique in its model
   * @param trainable whether its weights are trained (false freezes them)
   * @return the layer, not yet built
   * @throws dev.tfgraph.graph.BadInputException if a key is missing, of the wrong type or out of range (the
   *     message names the layer and the key)
   */
  public static ReLU parse(ConfigReader c, String name, boolean trainable) {
    Double max = c.has("max_value") ? c.number("max_value", null) : null;
    c.known("max_value");
    return new ReLU(name, max, c.number("negative_slope", DEFAULT_NEGATIVE_SLOPE), c.number("threshold", DEFAULT_THRESHOLD),
        trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    out.put("max_value", maxValue);
    out.put("negative_slope", negativeSlope);
    out.put("threshold", threshold);
  }

  @Override
  protected Shape computeBuild(Shape input) {
    return input;
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    return relu(tf, x, maxValue, negativeSlope, threshold);
  }

  /** x > t: min(x, max); x ≤ t: slope·(x − t). Both branches are finite, so Select's gradient is too. */
  static <T extends TNumber> Operand<T> relu(Ops tf, Operand<T> x, Double max, double slope, double t) {
    if (max == null && slope == 0 && t == 0) return tf.nn.relu(x);
    Operand<T> th = tf.constantOfSameType(x, t);
    Operand<T> above = max == null ? x : tf.math.minimum(x, tf.constantOfSameType(x, max));
    Operand<T> below = tf.math.mul(tf.constantOfSameType(x, slope), tf.math.sub(x, th));
    return tf.select(tf.math.greater(x, th), above, below);
  }
}
