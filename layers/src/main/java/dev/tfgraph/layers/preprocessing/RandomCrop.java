package dev.tfgraph.layers.preprocessing;

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
import org.tensorflow.op.core.Gather;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;

/**
 * A height×width window of NHWC images: in training at a random offset per example, uniform over
 * the (H − height + 1)(W − width + 1) positions and drawn statelessly as {@link RandomFlip} draws;
 * at inference the central window, offsets (H − height) / 2 and (W − width) / 2 rounded down.
 */
public final class RandomCrop extends Layer {
  /** seed when the spec gives none: 0 (mixed with the run's seed and the layer's name). */
  public static final int DEFAULT_SEED = 0;
  private final int height;
  private final int width;
  private final long seed;
  private int inHeight, inWidth;

  /**
   * A random crop: NHWC [batch, H, W, C] to [batch, height, width, C].
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param height the window's height in pixels, in [1, 65536] (at most H, checked when built)
   * @param width the window's width in pixels, in [1, 65536] (at most W, checked when built)
   * @param seed the layer's seed
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name, height or width is not valid
   */
  public RandomCrop(String name, int height, int width, long seed, boolean trainable) {
    super(name, trainable);
    this.height = Checks.between(where(), "height", height, 1, Checks.MAX_WINDOW);
    this.width = Checks.between(where(), "width", width, 1, Checks.MAX_WINDOW);
    this.seed = seed;
  }

  /**
   * A random crop with seed 0.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param height the window's height in pixels, in [1, 65536]
   * @param width the window's width in pixels, in [1, 65536]
   * @throws dev.tfgraph.graph.BadInputException if the name, height or width is not valid
   */
  public RandomCrop(String name, int height, int width) {
    this(name, height, width, DEFAULT_SEED, true);
  }

  @Override public String type() { return "RandomCrop"; }

  /**
   * Reads this layer's keys from a spec (height and width required); registered in {@code Layers}.
   * @param c the layer's keys in the model spec (Keras' names)
   * @param name the layer's name, unique in its model
   * @param trainable whether its weights are trained (false freezes them)
   * @return the layer, not yet built
   * @throws dev.tfgraph.graph.BadInputException if a key is missing, of the wrong type or out of range (the
   *     message names the layer and the key)
   */
  public static RandomCrop parse(ConfigReader c, String name, boolean trainable) {
    return new RandomCrop(name, c.integer("height", null), c.integer("width", null), c.integer("seed", DEFAULT_SEED), trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    out.put("height", height);
    out.put("width", width);
    out.put("seed", seed);
  }

  @Override
  protected Shape computeBuild(Shape input) {
    requireRank(input, 4, "[batch, height, width, channels]");
    if (input.get(1) < height || input.get(2) < width) {
      throw new BadInputException(where() + ": the input must be at least height × width = " + height + " × " + width
          + ", received shape " + Shapes.show(input) + " (" + input.get(1) + " × " + input.get(2) + ")");
    }
    inHeight = (int) input.get(1);
    inWidth = (int) input.get(2);
    return Shape.of(input.get(0), height, width, input.get(3));
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    if (!ctx.training()) {
      return tf.stridedSlice(x, tf.constant(new int[] {0, (inHeight - height) / 2, (inWidth - width) / 2, 0}),
          tf.constant(new int[] {0, (inHeight - height) / 2 + height, (inWidth - width) / 2 + width, 0}),
          tf.constant(new int[] {1, 1, 1, 1}), org.tensorflow.op.core.StridedSlice.beginMask(9L),
          org.tensorflow.op.core.StridedSlice.endMask(9L));
    }
    Operand<TFloat32> u = RandomFlip.uniform(tf, x, 2, ctx.seed(tf, RandomFlip.salt(name(), seed)));
    Operand<T> rows = window(tf, x, offsets(tf, u, 0, inHeight - height), height, 1);
    return window(tf, rows, offsets(tf, u, 1, inWidth - width), width, 2);
  }

  /** min(floor(u[:, k]·(range + 1)), range): one offset in [0, range] per example, [batch, 1] int32. */
  private static Operand<TInt32> offsets(Ops tf, Operand<TFloat32> u, int k, int range) {
    Operand<TFloat32> c = tf.slice(u, tf.constant(new int[] {0, k}), tf.constant(new int[] {-1, 1}));
    Operand<TInt32> o = tf.dtypes.cast(tf.math.floor(tf.math.mul(c, tf.constant((float) (range + 1)))), TInt32.class);
    return tf.math.minimum(o, tf.constant(range));
  }

  /** x's indices offset[b] .. offset[b] + size − 1 along {@code axis}, per example (GatherV2, batch_dims 1). */
  private static <T extends TNumber> Operand<T> window(Ops tf, Operand<T> x, Operand<TInt32> offset, int size, int axis) {
    int[] range = new int[size];
    for (int i = 0; i < size; i++) range[i] = i;
    Operand<TInt32> idx = tf.math.add(offset, tf.constant(new int[][] {range}));   // [batch, size]
    return tf.gather(x, idx, tf.constant(axis), Gather.batchDims(1L));
  }
}
