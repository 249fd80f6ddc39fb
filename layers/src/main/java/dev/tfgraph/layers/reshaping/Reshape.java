package dev.tfgraph.layers.reshaping;

import dev.tfgraph.graph.BadInputException;
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
 * [batch, ...] to [batch, target_shape...], row-major (NHWC order, as Flatten). target_shape has no
 * batch axis and at most one -1, inferred at build time; the element count must match the input's.
 */
public final class Reshape extends Layer {
  private final int[] targetShape;
  private long[] resolved;

  /**
   * A reshape layer.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param targetShape the output's shape without the batch axis: 1 to 8 sizes, at most one -1 (inferred)
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name or target_shape is not valid (whether it fits the
   *     input is checked when built)
   */
  public Reshape(String name, int[] targetShape, boolean trainable) {
    super(name, trainable);
    this.targetShape = check(where(), targetShape);
  }

  /**
   * A trainable reshape layer.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param targetShape the output's shape without the batch axis, at most one -1
   * @throws dev.tfgraph.graph.BadInputException if the name or target_shape is not valid
   */
  public Reshape(String name, int... targetShape) {
    this(name, targetShape, true);
  }

  private static int[] check(String where, int[] t) {
    String expected = "1 to " + Checks.MAX_RANK + " integers, each in [1, " + Checks.MAX_ACTIVATION_ELEMENTS + "] or -1 (at most one)";
    if (t == null || t.length < 1 || t.length > Checks.MAX_RANK) throw Checks.error(where, "target_shape", expected, t);
    int unknown = 0;
    for (int d : t) {
      if (d == -1) unknown++;
      else if (d < 1 || d > Checks.MAX_ACTIVATION_ELEMENTS) throw Checks.error(where, "target_shape", expected, t);
    }
    if (unknown > 1) throw Checks.error(where, "target_shape", expected, t);
    return t.clone();
  }

  @Override public String type() { return "Reshape"; }

  /**
   * Reads this layer's keys from a spec (all required); registered in {@code Layers}.
   * @param c the layer's keys in the model spec (Keras' names)
   * @param name the layer's name, unique in its model
   * @param trainable whether its weights are trained (false freezes them)
   * @return the layer, not yet built
   * @throws dev.tfgraph.graph.BadInputException if a key is missing, of the wrong type or out of range (the
   *     message names the layer and the key)
   */
  public static Reshape parse(ConfigReader c, String name, boolean trainable) {
    return new Reshape(name, c.integers("target_shape", null), trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    out.put("target_shape", targetShape.clone());
  }

  @Override
  protected Shape computeBuild(Shape input) {
    requireRank(input, input.numDimensions(), "[batch, ...]");
    long n = Shapes.exampleSize(input);
    long known = 1;                       // at most 8 factors of at most 2^28: the product is checked below
    int inferred = -1;
    long[] dims = new long[targetShape.length];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = targetShape[i];
      if (targetShape[i] == -1) inferred = i;
      else known = known > n ? known : known * targetShape[i];
    }
    boolean fits = inferred < 0 ? known == n : known <= n && n % known == 0;
    if (!fits) {
      String holds = known > n ? "more than " + n : String.valueOf(known);
      throw new BadInputException(where() + ": target_shape " + Checks.show(targetShape) + " does not fit input "
          + Shapes.show(input) + " (" + n + " values per example): " + (inferred < 0 ? "target_shape holds " + holds
          : n + " is not a multiple of " + holds + ", the product of the other dimensions"));
    }
    if (inferred >= 0) dims[inferred] = n / known;
    resolved = dims;
    return Shapes.batchOf(dims);
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    return reshape(tf, x, resolved);
  }

  /** Row-major: y[b] holds the values of x[b] in the same order, laid out as dims. */
  static <T extends TNumber> Operand<T> reshape(Ops tf, Operand<T> x, long[] dims) {
    long[] full = new long[dims.length + 1];
    full[0] = -1;
    System.arraycopy(dims, 0, full, 1, dims.length);
    return tf.reshape(x, tf.constant(full));
  }
}
