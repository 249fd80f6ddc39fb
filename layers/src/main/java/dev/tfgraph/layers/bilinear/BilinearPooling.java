package dev.tfgraph.layers.bilinear;

import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.Checks;
import dev.tfgraph.graph.ConfigReader;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.Shapes;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/**
 * Bilinear (outer-product) pooling, Lin and Maji 2017: with X the [h·w, C] features of one
 * example, A = XᵀX/(h·w) + ε·I, for the whole batch in one BatchMatMulV2 (no loop over positions).
 */
public final class BilinearPooling extends Layer {
  /** epsilon when the spec gives none: 1e-5, added to the diagonal of each pooled matrix. */
  public static final double DEFAULT_EPSILON = 1e-5;
  private final double epsilon;
  private long positions;
  private int channels;

  /**
   * A bilinear pooling layer: NHWC [batch, h, w, C] to [batch, C, C].
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param epsilon added to the diagonal: 0, or in [1e-30, 1000]
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name or epsilon is not valid
   */
  public BilinearPooling(String name, double epsilon, boolean trainable) {
    super(name, trainable);
    this.epsilon = Checks.epsilon(where(), "epsilon", epsilon, true);
  }

  /**
   * A bilinear pooling layer with epsilon 1e-5.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @throws dev.tfgraph.graph.BadInputException if the name is not valid
   */
  public BilinearPooling(String name) {
    this(name, DEFAULT_EPSILON, true);
  }

  @Override public String type() { return "BilinearPooling"; }

  /**
   * Reads this layer's keys from a spec, with the defaults above; registered in {@code Layers}.
   * @param c the layer's keys in the model spec (Keras' names)
   * @param name the layer's name, unique in its model
   * @param trainable whether its weights are trained (false freezes them)
   * @return the layer, not yet built
   * @throws dev.tfgraph.graph.BadInputException if a key is missing, of the wrong type or out of range (the
   *     message names the layer and the key)
   */
  public static BilinearPooling parse(ConfigReader c, String name, boolean trainable) {
    return new BilinearPooling(name, c.number("epsilon", DEFAULT_EPSILON), trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    out.put("epsilon", epsilon);
  }

  @Override
  protected Shape computeBuild(Shape input) {
    requireRank(input, 4, "[batch, height, width, channels]");
    Checks.activation(where(), "output", new long[] {input.get(3), input.get(3)}, "the input channels");
    positions = input.get(1) * input.get(2);
    channels = (int) input.get(3);
    return Shapes.batchOf(channels, channels);
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    Operand<T> X = tf.reshape(x, tf.constant(new long[] {-1, positions, channels}));
    return bilinear(tf, X, positions, channels, epsilon);
  }

  /** A = XᵀX/(h·w) + ε·I for X [batch, h·w, C]. */
  static <T extends TNumber> Operand<T> bilinear(Ops tf, Operand<T> X, long positions, int c, double eps) {
    Operand<T> gram = Linalg.matmul(tf, X, X, true, false);
    Operand<T> a = tf.math.div(gram, tf.constantOfSameType(X, (double) positions));
    return eps == 0 ? a : tf.math.add(a, tf.math.mul(Linalg.eye(tf, c, X), tf.constantOfSameType(X, eps)));
  }
}
