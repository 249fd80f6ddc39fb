package dev.tfgraph.layers.core;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.ConfigReader;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.Shapes;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/** Keras' Softmax layer: y = exp(x) / Σ exp(x) along {@code axis} (−1 the last; not the batch axis), any rank ≥ 2. */
public final class Softmax extends Layer {
  /** axis when the spec gives none: -1, the last. */
  public static final int DEFAULT_AXIS = -1;
  private final int axis;
  private int resolved;
  private int rank;

  /**
   * A softmax layer.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param axis the axis normalised over, negative from the end; never 0 (checked against the input's rank
   *     when built)
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name is not valid or the axis is 0
   */
  public Softmax(String name, int axis, boolean trainable) {
    super(name, trainable);
    if (axis == 0) throw new BadInputException(where() + ": axis must not be 0 (the batch axis), received 0");
    this.axis = axis;
  }

  /**
   * A softmax over the last axis.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @throws dev.tfgraph.graph.BadInputException if the name is not valid
   */
  public Softmax(String name) {
    this(name, DEFAULT_AXIS, true);
  }

  @Override public String type() { return "Softmax"; }

  /**
   * Reads axis (default −1); registered in {@code Layers}.
   * @param c the layer's keys in the model spec (Keras' names)
   * @param name the layer's name, unique in its model
   * @param trainable whether its weights are trained (false freezes them)
   * @return the layer, not yet built
   * @throws dev.tfgraph.graph.BadInputException if a key is missing, of the wrong type or out of range (the
   *     message names the layer and the key)
   */
  public static Softmax parse(ConfigReader c, String name, boolean trainable) {
    return new Softmax(name, c.integer("axis", DEFAULT_AXIS), trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    out.put("axis", axis);
  }

  @Override
  protected Shape computeBuild(Shape input) {
    rank = input.numDimensions();
    resolved = resolveAxis(where(), "axis", axis, input);
    return input;
  }

  /**
   * axis (negative from the end) as an index in [1, rank − 1] of the input, with a message naming
   * the layer, the key, the accepted range and the input shape otherwise.
   * @param where the layer, as messages name it
   * @param key the config key that holds the axis
   * @param axis the axis as configured, negative from the end
   * @param input the input's shape, batch axis first
   * @return the axis as an index in [1, rank - 1]
   * @throws dev.tfgraph.graph.BadInputException if the axis is the batch axis or beyond the input's rank
   */
  public static int resolveAxis(String where, String key, int axis, Shape input) {
    int rank = input.numDimensions();
    int a = axis < 0 ? rank + axis : axis;
    if (a < 1 || a >= rank) {
      throw new BadInputException(where + ": " + key + " " + axis + " is out of range for input " + Shapes.show(input)
          + " of rank " + rank + "; expected 1 to " + (rank - 1) + " or -1 to -" + (rank - 1) + " (not the batch axis)");
    }
    return a;
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    return softmax(tf, x, resolved, rank);
  }

  /** Softmax along axis a of a rank-r tensor: TF's Softmax (last axis), the axis swapped to the end and back. */
  static <T extends TNumber> Operand<T> softmax(Ops tf, Operand<T> x, int a, int r) {
    if (a == r - 1) return tf.nn.softmax(x);
    int[] perm = new int[r];
    for (int i = 0; i < r; i++) perm[i] = i;
    perm[a] = r - 1;
    perm[r - 1] = a;
    return tf.linalg.transpose(tf.nn.softmax(tf.linalg.transpose(x, tf.constant(perm))), tf.constant(perm));
  }
}
