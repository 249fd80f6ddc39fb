package dev.tfgraph.layers;

import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.Checks;
import dev.tfgraph.graph.ConfigReader;
import dev.tfgraph.graph.Layer;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/** y = x·scale + offset, elementwise, any shape (Keras' Rescaling with scalar scale and offset). */
public final class Rescaling extends Layer {
  public static final double DEFAULT_SCALE = 1.0;
  public static final double DEFAULT_OFFSET = 0.0;
  private final double scale;
  private final double offset;

  public Rescaling(String name, double scale, double offset, boolean trainable) {
    super(name, trainable);
    this.scale = Checks.inRange(where(), "scale", scale, -Checks.MAX_COEFFICIENT, Checks.MAX_COEFFICIENT);
    this.offset = Checks.inRange(where(), "offset", offset, -Checks.MAX_COEFFICIENT, Checks.MAX_COEFFICIENT);
  }

  public Rescaling(String name, double scale, double offset) {
    this(name, scale, offset, true);
  }

  @Override public String type() { return "Rescaling"; }

  /** Reads this layer's keys from a spec, with the defaults above; registered in {@link Layers}. */
  public static Rescaling parse(ConfigReader c, String name, boolean trainable) {
    return new Rescaling(name, c.number("scale", DEFAULT_SCALE), c.number("offset", DEFAULT_OFFSET), trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    out.put("scale", scale);
    out.put("offset", offset);
  }

  @Override
  protected Shape computeBuild(Shape input) {
    requireRank(input, input.numDimensions(), "[batch, ...]");
    return input;
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    return rescale(tf, x, scale, offset);
  }

  /** x·scale + offset, the constants in x's dtype. */
  static <T extends TNumber> Operand<T> rescale(Ops tf, Operand<T> x, double scale, double offset) {
    return tf.math.add(tf.math.mul(x, tf.constantOfSameType(x, scale)), tf.constantOfSameType(x, offset));
  }
}
