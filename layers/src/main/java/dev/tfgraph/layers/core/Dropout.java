package dev.tfgraph.layers.core;

import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.Checks;
import dev.tfgraph.graph.ConfigReader;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Shapes;
import java.util.Arrays;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/**
 * Inverted dropout in training (kept units scaled by 1/(1 − rate)), identity at inference. The
 * mask comes from StatelessRandomUniform seeded by (run seed, step, layer), so a resumed run
 * draws the same masks as an uninterrupted one. noise_shape (Keras'; null = the input's shape)
 * gives the mask's shape, one entry per input axis, null taking the input's size and 1 sharing
 * one draw along that axis (EfficientNet's [null, 1, 1, 1] drops whole examples).
 */
public final class Dropout extends Layer {
  private final double rate;
  private final Integer[] noiseShape;

  /**
   * A dropout layer whose mask has the input's shape.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param rate the fraction of units dropped in training, in [0, 1)
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name or the rate is not valid
   */
  public Dropout(String name, double rate, boolean trainable) {
    this(name, rate, null, trainable);
  }

  /**
   * noiseShape null, or one entry per input axis: null (the input's size) or a positive size.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param rate the fraction of units dropped in training, in [0, 1)
   * @param noiseShape the mask's shape (Keras' noise_shape), or null for the input's shape
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name, the rate or noise_shape is not valid (a
   *     noise_shape of the wrong rank is reported when the layer is built)
   */
  public Dropout(String name, double rate, Integer[] noiseShape, boolean trainable) {
    super(name, trainable);
    if (!(rate >= 0 && rate < 1)) throw Checks.error(where(), "rate", "in [0, 1)", rate);
    this.rate = rate;
    this.noiseShape = noiseShape == null ? null : noiseShape.clone();
    if (this.noiseShape != null) {
      for (Integer d : this.noiseShape) {
        if (d != null && d < 1) {
          throw new BadInputException(where() + ": noise_shape " + Arrays.toString(this.noiseShape)
              + " has a size below 1; expected null or positive sizes");
        }
      }
    }
  }

  /**
   * A trainable dropout layer whose mask has the input's shape.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param rate the fraction of units dropped in training, in [0, 1)
   * @throws dev.tfgraph.graph.BadInputException if the name or the rate is not valid
   */
  public Dropout(String name, double rate) {
    this(name, rate, true);
  }

  @Override public String type() { return "Dropout"; }

  /**
   * Reads this layer's keys from a spec (all required); registered in {@code Layers}.
   * @param c the layer's keys in the model spec (Keras' names)
   * @param name the layer's name, unique in its model
   * @param trainable whether its weights are trained (false freezes them)
   * @return the layer, not yet built
   * @throws dev.tfgraph.graph.BadInputException if a key is missing, of the wrong type or out of range (the
   *     message names the layer and the key)
   */
  public static Dropout parse(ConfigReader c, String name, boolean trainable) {
    return new Dropout(name, c.number("rate", null), c.integersOrNulls("noise_shape"), trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    out.put("rate", rate);
    if (noiseShape != null) out.put("noise_shape", Arrays.asList(noiseShape.clone()));
  }

  @Override
  protected Shape computeBuild(Shape input) {
    if (noiseShape != null) {
      boolean ok = noiseShape.length == input.numDimensions();
      for (int i = 0; ok && i < noiseShape.length; i++) {
        Integer d = noiseShape[i];
        ok = d == null || d == 1 || i > 0 && d == input.get(i);
      }
      if (!ok) {
        throw new BadInputException(where() + ": noise_shape " + Arrays.toString(noiseShape) + " does not broadcast to input "
            + Shapes.show(input) + "; expected one entry per axis, each null, 1 or the input's size");
      }
    }
    return input;
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    if (!ctx.training() || rate == 0) return x;
    Operand<T> u = tf.random.statelessRandomUniform(maskShape(tf, x), ctx.seed(tf, name().hashCode()), x.type());
    Operand<T> keep = tf.dtypes.cast(tf.math.greaterEqual(u, tf.constantOfSameType(u, rate)), x.type());
    return tf.math.mul(x, tf.math.mul(keep, tf.constantOfSameType(x, 1.0 / (1.0 - rate))));
  }

  /** The input's shape, or noise_shape with its nulls taken from it (as Keras' backend does). */
  private <T extends TNumber> Operand<org.tensorflow.types.TInt32> maskShape(Ops tf, Operand<T> x) {
    Operand<org.tensorflow.types.TInt32> shape = tf.shape(x);
    if (noiseShape == null) return shape;
    int[] fixed = new int[noiseShape.length], fromInput = new int[noiseShape.length];
    for (int i = 0; i < noiseShape.length; i++) {
      fixed[i] = noiseShape[i] == null ? 0 : noiseShape[i];
      fromInput[i] = noiseShape[i] == null ? 1 : 0;
    }
    return tf.math.add(tf.math.mul(shape, tf.constant(fromInput)), tf.constant(fixed));
  }
}
