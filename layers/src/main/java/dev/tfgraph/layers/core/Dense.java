package dev.tfgraph.layers.core;

import dev.tfgraph.graph.model.Activated;
import dev.tfgraph.graph.activation.Activations;
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
 * Fully connected: act(x·kernel + bias) on the last axis of an input of any rank ≥ 2 ([batch, ..., n] to
 * [batch, ..., units], as Keras). kernel [n, units] glorot_uniform, bias [units] zeros.
 */
public final class Dense extends Layer implements Activated {
  /** Activation when the spec gives none: linear (none). */
  public static final String DEFAULT_ACTIVATION = "linear";
  /** Whether a bias is added when the spec does not say: true. */
  public static final boolean DEFAULT_USE_BIAS = true;
  private final int units;
  private final String activation;
  private final boolean useBias;
  private WeightSpec kernel;
  private WeightSpec bias;

  /**
   * A dense layer.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param units the output features, in [1, 2^24]
   * @param activation applied after the bias; one of {@code Activations}' names ("linear" for none)
   * @param useBias whether a bias [units] is added
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name, units or the activation is not valid
   */
  public Dense(String name, int units, String activation, boolean useBias, boolean trainable) {
    super(name, trainable);
    this.units = Checks.between(where(), "units", units, 1, Checks.MAX_UNITS);
    this.activation = Activations.check(where(), activation);
    this.useBias = useBias;
  }

  /**
   * A trainable dense layer with a bias.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param units the output features, in [1, 2^24]
   * @param activation applied after the bias ("linear" for none)
   * @throws dev.tfgraph.graph.BadInputException if the name, units or the activation is not valid
   */
  public Dense(String name, int units, String activation) {
    this(name, units, activation, DEFAULT_USE_BIAS, true);
  }

  @Override public String type() { return "Dense"; }
  @Override public String activation() { return activation; }

  /**
   * Reads this layer's keys from a spec, with the defaults above; registered in {@code Layers}.
   * @param c the layer's keys in the model spec (Keras' names)
   * @param name the layer's name, unique in its model
   * @param trainable whether its weights are trained (false freezes them)
   * @return the layer, not yet built
   * @throws dev.tfgraph.graph.BadInputException if a key is missing, of the wrong type or out of range (the
   *     message names the layer and the key)
   */
  public static Dense parse(ConfigReader c, String name, boolean trainable) {
    return new Dense(name, c.integer("units", null), c.string("activation", DEFAULT_ACTIVATION),
        c.bool("use_bias", DEFAULT_USE_BIAS), trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    out.put("units", units);
    out.put("activation", activation);
    out.put("use_bias", useBias);
  }

  @Override
  protected Shape computeBuild(Shape input) {
    int rank = input.numDimensions();
    if (rank < 2) {
      throw new BadInputException(where() + ": expected input of rank 2 or more [batch, ..., features], received shape "
          + Shapes.show(input) + " (rank " + rank + ")");
    }
    requireRank(input, rank, "[batch, ..., features]");
    kernel = addWeight("kernel", new long[] {input.get(rank - 1), units}, true, Initializer.glorotUniform(),
        "units or the input features");
    if (useBias) bias = addWeight("bias", new long[] {units}, true, Initializer.zeros());
    long[] out = new long[rank - 1];
    for (int i = 1; i < rank - 1; i++) out[i - 1] = input.get(i);
    out[rank - 2] = units;
    return Shapes.batchOf(out);
  }

  @Override
  public <T extends TNumber> Operand<T> callLinear(Ops tf, Operand<T> x, CallContext ctx) {
    Operand<T> y = lastAxisMatMul(tf, x, ctx.read(tf, kernel, x.type()), outputShape());
    return useBias ? tf.nn.biasAdd(y, ctx.read(tf, bias, x.type())) : y;
  }

  /**
   * y[..., u] = Σ_i x[..., i]·kernel[i, u]: one MatMul, on [batch·d_1·…, n] for an input of rank above 2
   * (reshaped there and back; out is the output shape, its non-batch dimensions known).
   */
  static <T extends TNumber> Operand<T> lastAxisMatMul(Ops tf, Operand<T> x, Operand<T> kernel, Shape out) {
    int rank = out.numDimensions();
    if (rank == 2) return tf.linalg.matMul(x, kernel);
    long[] dims = out.asArray();
    dims[0] = -1;
    Operand<T> flat = tf.reshape(x, tf.constant(new long[] {-1, kernel.shape().get(0)}));
    return tf.reshape(tf.linalg.matMul(flat, kernel), tf.constant(dims));
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    return Activations.apply(tf, activation, callLinear(tf, x, ctx));
  }
}
