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
import org.tensorflow.op.core.StridedSlice;
import org.tensorflow.types.family.TNumber;

/**
 * Rows and columns removed from each image's edges, NHWC: [batch, H, W, C] to
 * [batch, H − top − bottom, W − left − right, C]. cropping is read as Keras reads it (an int n,
 * [h, w], or [[top, bottom], [left, right]]) and written back as [[top, bottom], [left, right]].
 */
public final class Cropping2D extends Layer {
  /** cropping when the spec gives none: 0 on every side. */
  public static final int DEFAULT_CROPPING = 0;
  private final int[][] cropping;   // {{top, bottom}, {left, right}}

  /**
   * A cropping layer.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param cropping [[top, bottom], [left, right]] in pixels, each in [0, 65536]
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name or cropping is not valid (what it leaves of the
   *     input is checked when built)
   */
  public Cropping2D(String name, int[][] cropping, boolean trainable) {
    super(name, trainable);
    this.cropping = check(where(), cropping);
  }

  /**
   * A trainable cropping layer, the same on every side.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param crop the pixels removed from each edge
   * @throws dev.tfgraph.graph.BadInputException if the name or crop is not valid
   */
  public Cropping2D(String name, int crop) {
    this(name, new int[][] {{crop, crop}, {crop, crop}}, true);
  }

  private static int[][] check(String where, int[][] p) {
    String expected = "[[top, bottom], [left, right]] of integers in [0, " + Checks.MAX_WINDOW + "]";
    if (p == null || p.length != 2 || p[0] == null || p[1] == null || p[0].length != 2 || p[1].length != 2) {
      throw Checks.error(where, "cropping", expected, p);
    }
    for (int[] side : p) {
      for (int v : side) if (v < 0 || v > Checks.MAX_WINDOW) throw Checks.error(where, "cropping", expected, p);
    }
    return new int[][] {p[0].clone(), p[1].clone()};
  }

  @Override public String type() { return "Cropping2D"; }

  /**
   * Reads this layer's keys from a spec, with the defaults above; registered in {@code Layers}.
   * @param c the layer's keys in the model spec (Keras' names)
   * @param name the layer's name, unique in its model
   * @param trainable whether its weights are trained (false freezes them)
   * @return the layer, not yet built
   * @throws dev.tfgraph.graph.BadInputException if a key is missing, of the wrong type or out of range (the
   *     message names the layer and the key)
   */
  public static Cropping2D parse(ConfigReader c, String name, boolean trainable) {
    return new Cropping2D(name, c.pairOfPairs("cropping", DEFAULT_CROPPING), trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    out.put("cropping", new int[][] {cropping[0].clone(), cropping[1].clone()});
  }

  @Override
  protected Shape computeBuild(Shape input) {
    requireRank(input, 4, "[batch, height, width, channels]");
    long h = input.get(1) - cropping[0][0] - cropping[0][1];
    long w = input.get(2) - cropping[1][0] - cropping[1][1];
    if (h < 1 || w < 1) {
      throw new BadInputException(where() + ": cropping " + Checks.show(cropping) + " leaves nothing of input "
          + Shapes.show(input) + "; expected top + bottom < " + input.get(1) + " and left + right < " + input.get(2));
    }
    return Shapes.batchOf(h, w, input.get(3));
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    Shape out = outputShape();
    return crop(tf, x, cropping, out.get(1), out.get(2));
  }

  /**
   * y[b, i, j, c] = x[b, top + i, left + j, c] for i < h, j < w: a strided slice, int32 indices (its
   * registered gradient builds the input's shape as int32 and refuses int64 indices).
   */
  static <T extends TNumber> Operand<T> crop(Ops tf, Operand<T> x, int[][] p, long h, long w) {
    int top = p[0][0], left = p[1][0];
    return tf.stridedSlice(x, tf.constant(new int[] {0, top, left, 0}),
        tf.constant(new int[] {0, Math.toIntExact(top + h), Math.toIntExact(left + w), 0}),
        tf.constant(new int[] {1, 1, 1, 1}), StridedSlice.beginMask(9L), StridedSlice.endMask(9L));
  }
}
