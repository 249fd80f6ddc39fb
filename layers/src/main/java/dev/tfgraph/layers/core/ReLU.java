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
  public static final double DEFAULT_NEGATIVE_SLOPE = 0.0;
  public static final double DEFAULT_THRESHOLD = 0.0;
  private final Double maxValue;
  private final double negativeSlope;
  private final double threshold;

  public ReLU(String name, Double maxValue, double negativeSlope, double threshold, boolean trainable) {
    super(name, trainable);
    this.maxValue = maxValue == null ? null : Checks.inRange(where(), "max_value", maxValue, 0, Checks.MAX_COEFFICIENT);
    this.negativeSlope = Checks.inRange(where(), "negative_slope", negativeSlope, 0, Checks.MAX_COEFFICIENT);
    this.threshold = Checks.inRange(where(), "threshold", threshold, 0, Checks.MAX_COEFFICIENT);
  }

  public ReLU(String name) {
    this(name, null, DEFAULT_NEGATIVE_SLOPE, DEFAULT_THRESHOLD, true);
  }

  @Override public String type() { return "ReLU"; }

  /** Reads this layer's keys from a spec, with the defaults above; registered in {@code Layers}. */
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
