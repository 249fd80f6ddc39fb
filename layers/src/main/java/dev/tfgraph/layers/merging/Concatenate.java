package dev.tfgraph.layers.merging;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.ConfigReader;
import dev.tfgraph.graph.MergeLayer;
import dev.tfgraph.graph.Shapes;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/** Two or more inbound tensors joined along {@code axis} (−1 the last; not the batch axis); other axes equal. */
public final class Concatenate extends MergeLayer {
  /** axis when the spec gives none: -1, the last. */
  public static final int DEFAULT_AXIS = -1;
  private final int axis;
  private int resolved;

  /**
   * A concatenation.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param axis the axis joined along, negative from the end; never 0 (checked against the inputs' rank when
   *     built)
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name is not valid or the axis is 0
   */
  public Concatenate(String name, int axis, boolean trainable) {
    super(name, trainable);
    if (axis == 0) throw new BadInputException(where() + ": axis must not be 0 (the batch axis), received 0");
    this.axis = axis;
  }

  /**
   * A concatenation along the last axis.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @throws dev.tfgraph.graph.BadInputException if the name is not valid
   */
  public Concatenate(String name) {
    this(name, DEFAULT_AXIS, true);
  }

  @Override public String type() { return "Concatenate"; }

  /**
   * Reads axis (default −1); registered in {@code Layers}.
   * @param c the layer's keys in the model spec (Keras' names)
   * @param name the layer's name, unique in its model
   * @param trainable whether its weights are trained (false freezes them)
   * @return the layer, not yet built
   * @throws dev.tfgraph.graph.BadInputException if a key is missing, of the wrong type or out of range (the
   *     message names the layer and the key)
   */
  public static Concatenate parse(ConfigReader c, String name, boolean trainable) {
    return new Concatenate(name, c.integer("axis", DEFAULT_AXIS), trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    out.put("axis", axis);
  }

  @Override
  protected Shape computeBuild(List<Shape> inputs) {
    int rank = inputs.get(0).numDimensions();
    int a = axis < 0 ? rank + axis : axis;
    if (a < 1 || a >= rank) {
      throw new BadInputException(where() + ": axis " + axis + " is out of range for inbound of rank " + rank
          + "; expected 1 to " + (rank - 1) + " or -1 to -" + (rank - 1) + " (not the batch axis)");
    }
    long[] out = inputs.get(0).asArray();
    out[a] = 0;
    for (int i = 0; i < inputs.size(); i++) {
      Shape s = inputs.get(i);
      boolean ok = s.numDimensions() == rank;
      for (int d = 1; ok && d < rank; d++) ok = d == a || s.get(d) == inputs.get(0).get(d);
      if (!ok) {
        throw new BadInputException(where() + ": expected inbound tensors equal on every axis but " + axis + ", received "
            + Shapes.show(inputs.get(0)) + " (inbound 0) and " + Shapes.show(s) + " (inbound " + i + ")");
      }
      out[a] += s.get(a);
    }
    resolved = a;
    return Shape.of(out);
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, List<Operand<T>> inputs, CallContext ctx) {
    return concat(tf, inputs, resolved);
  }

  /** x_0 ‖ x_1 ‖ ... along axis a. */
  static <T extends TNumber> Operand<T> concat(Ops tf, List<Operand<T>> xs, int a) {
    return tf.concat(xs, tf.constant(a));
  }
}
