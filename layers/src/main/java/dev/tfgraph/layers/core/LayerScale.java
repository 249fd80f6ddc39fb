package dev.tfgraph.layers.core;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.Checks;
import dev.tfgraph.graph.ConfigReader;
import dev.tfgraph.graph.Initializer;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.Shapes;
import dev.tfgraph.graph.WeightSpec;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/**
 * ConvNeXt's layer scale (Keras' applications): y = x·gamma over the last axis, gamma
 * [projection_dim] trainable, starting at init_values.
 */
public final class LayerScale extends Layer {
  private final double initValues;
  private final int projectionDim;
  private WeightSpec gamma;

  /**
   * A layer scale.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param initValues gamma's starting value for every channel, in [-1000, 1000]
   * @param projectionDim the input's last axis (gamma's length), in [1, 2^24]
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name or a value is out of range
   */
  public LayerScale(String name, double initValues, int projectionDim, boolean trainable) {
    super(name, trainable);
    this.initValues = Checks.inRange(where(), "init_values", initValues, -Checks.MAX_COEFFICIENT, Checks.MAX_COEFFICIENT);
    this.projectionDim = Checks.between(where(), "projection_dim", projectionDim, 1, Checks.MAX_UNITS);
  }

  @Override public String type() { return "LayerScale"; }

  /**
   * Reads init_values and projection_dim (both required); registered in {@code Layers}.
   * @param c the layer's keys in the model spec (Keras' names)
   * @param name the layer's name, unique in its model
   * @param trainable whether its weights are trained (false freezes them)
   * @return the layer, not yet built
   * @throws dev.tfgraph.graph.BadInputException if a key is missing, of the wrong type or out of range (the
   *     message names the layer and the key)
   */
  public static LayerScale parse(ConfigReader c, String name, boolean trainable) {
    return new LayerScale(name, c.number("init_values", null), c.integer("projection_dim", null), trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    out.put("init_values", initValues);
    out.put("projection_dim", projectionDim);
  }

  @Override
  protected Shape computeBuild(Shape input) {
    requireRank(input, input.numDimensions(), "[batch, ..., projection_dim]");
    if (input.numDimensions() < 2 || input.get(input.numDimensions() - 1) != projectionDim) {
      throw new BadInputException(where() + ": projection_dim " + projectionDim + " must equal the input's last axis, received input "
          + Shapes.show(input));
    }
    gamma = addWeight("gamma", new long[] {projectionDim}, true, Initializer.constant(initValues));
    return input;
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    return scale(tf, x, ctx.read(tf, gamma, x.type()));
  }

  /** y[..., c] = x[..., c]·gamma[c]. */
  static <T extends TNumber> Operand<T> scale(Ops tf, Operand<T> x, Operand<T> gamma) {
    return tf.math.mul(x, gamma);
  }
}
