package dev.tfgraph.layers.preprocessing;

import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.Checks;
import dev.tfgraph.graph.ConfigReader;
import dev.tfgraph.graph.Layer;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;

/**
 * Keras' RandomFlip on NHWC images: in training each example is mirrored with probability 1/2 along
 * width ("horizontal") and/or height ("vertical"), identity at inference. The draws are one
 * StatelessRandomUniform [batch, 2] (column 0 horizontal, column 1 vertical) seeded by (run seed,
 * step, layer name and seed), so a resumed run flips as an uninterrupted one.
 */
public final class RandomFlip extends Layer {
  /** The accepted values of mode. */
  public static final List<String> MODES = List.of("horizontal", "vertical", "horizontal_and_vertical");
  /** seed when the spec gives none: 0 (mixed with the run's seed and the layer's name). */
  public static final int DEFAULT_SEED = 0;
  private final String mode;
  private final long seed;

  /**
   * A random flip; the output has the input's shape.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param mode one of {@link #MODES}
   * @param seed the layer's seed
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name or the mode is not valid
   */
  public RandomFlip(String name, String mode, long seed, boolean trainable) {
    super(name, trainable);
    this.mode = Checks.oneOf(where(), "mode", mode, MODES);
    this.seed = seed;
  }

  /**
   * A random flip with seed 0.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param mode one of {@link #MODES}
   * @throws dev.tfgraph.graph.BadInputException if the name or the mode is not valid
   */
  public RandomFlip(String name, String mode) {
    this(name, mode, DEFAULT_SEED, true);
  }

  @Override public String type() { return "RandomFlip"; }

  /**
   * Reads this layer's keys from a spec (mode required: the contract gives no default); registered in {@code
   * Layers}.
   * @param c the layer's keys in the model spec (Keras' names)
   * @param name the layer's name, unique in its model
   * @param trainable whether its weights are trained (false freezes them)
   * @return the layer, not yet built
   * @throws dev.tfgraph.graph.BadInputException if a key is missing, of the wrong type or out of range (the
   *     message names the layer and the key)
   */
  public static RandomFlip parse(ConfigReader c, String name, boolean trainable) {
    return new RandomFlip(name, c.string("mode", null), c.integer("seed", DEFAULT_SEED), trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    out.put("mode", mode);
    out.put("seed", seed);
  }

  @Override
  protected Shape computeBuild(Shape input) {
    requireRank(input, 4, "[batch, height, width, channels]");
    return input;
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    if (!ctx.training()) return tf.identity(x);   // a fresh op: a graph may feed x and fetch the output
    Operand<TFloat32> u = uniform(tf, x, 2, ctx.seed(tf, salt(name(), seed)));
    Operand<T> y = x;
    if (!mode.equals("vertical")) y = flipWhere(tf, y, column(tf, u, 0), 2);
    if (!mode.equals("horizontal")) y = flipWhere(tf, y, column(tf, u, 1), 1);
    return y;
  }

  /** Each example b of x [batch, H, W, C] reversed along {@code axis} where flip[b] (shape [batch, 1, 1, 1]). */
  static <T extends TNumber> Operand<T> flipWhere(Ops tf, Operand<T> x, Operand<TBool> flip, int axis) {
    return tf.select(flip, tf.reverse(x, tf.constant(new int[] {axis})), x);
  }

  /** u[:, k] &lt; 1/2, shaped [batch, 1, 1, 1] to broadcast over an example. */
  private static Operand<TBool> column(Ops tf, Operand<TFloat32> u, int k) {
    Operand<TFloat32> c = tf.slice(u, tf.constant(new int[] {0, k}), tf.constant(new int[] {-1, 1}));
    return tf.reshape(tf.math.less(c, tf.constant(0.5f)), tf.constant(new int[] {-1, 1, 1, 1}));
  }

  /** float32 uniforms [batch, k] in [0, 1): float32 whatever x's dtype, so float32 and float64 graphs draw alike. */
  static Operand<TFloat32> uniform(Ops tf, Operand<? extends TNumber> x, long k, Operand<TInt64> seed) {
    Operand<TInt64> batch = tf.slice(tf.shape(x, TInt64.class), tf.constant(new int[] {0}), tf.constant(new int[] {1}));
    Operand<TInt64> shape = tf.concat(List.of(batch, tf.constant(new long[] {k})), tf.constant(0));
    return tf.random.statelessRandomUniform(shape, seed, TFloat32.class);
  }

  /** The salt of a random layer's stateless seed: its name and its own seed, mixed. */
  static long salt(String name, long seed) {
    return name.hashCode() ^ (seed * 0x9E3779B97F4A7C15L);
  }
}
