package dev.tfgraph.layers.reshaping;

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
 * Zeros around each image, NHWC: [batch, H, W, C] to [batch, top + H + bottom, left + W + right, C].
 * padding is read as Keras reads it (an int n, [h, w], or [[top, bottom], [left, right]]) and always
 * written back in the canonical [[top, bottom], [left, right]] form, which parses to the same layer.
 */
public final class ZeroPadding2D extends Layer {
  /** padding when the spec gives none: 1 on every side, as Keras. */
  public static final int DEFAULT_PADDING = 1;
  private final int[][] padding;   // {{top, bottom}, {left, right}}

  /**
   * A zero padding layer.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param padding [[top, bottom], [left, right]] in pixels, each in [0, 65536]
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name or the padding is not valid
   */
  public ZeroPadding2D(String name, int[][] padding, boolean trainable) {
    super(name, trainable);
    this.padding = check(where(), padding);
  }

  /**
   * A trainable zero padding layer, the same on every side.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param pad the pixels added at each edge
   * @throws dev.tfgraph.graph.BadInputException if the name or pad is not valid
   */
  public ZeroPadding2D(String name, int pad) {
    this(name, new int[][] {{pad, pad}, {pad, pad}}, true);
  }

  private static int[][] check(String where, int[][] p) {
    String expected = "[[top, bottom], [left, right]] of integers in [0, " + Checks.MAX_WINDOW + "]";
    if (p == null || p.length != 2 || p[0] == null || p[1] == null || p[0].length != 2 || p[1].length != 2) {
      throw Checks.error(where, "padding", expected, p);
    }
    for (int[] side : p) {
      for (int v : side) if (v < 0 || v > Checks.MAX_WINDOW) throw Checks.error(where, "padding", expected, p);
    }
    return new int[][] {p[0].clone(), p[1].clone()};
  }

  @Override public String type() { return "ZeroPadding2D"; }

  /**
   * Reads this layer's keys from a spec, with the defaults above; registered in {@code Layers}.
   * @param c the layer's keys in the model spec (Keras' names)
   * @param name the layer's name, unique in its model
   * @param trainable whether its weights are trained (false freezes them)
   * @return the layer, not yet built
   * @throws dev.tfgraph.graph.BadInputException if a key is missing, of the wrong type or out of range (the
   *     message names the layer and the key)
   */
  public static ZeroPadding2D parse(ConfigReader c, String name, boolean trainable) {
    return new ZeroPadding2D(name, c.pairOfPairs("padding", DEFAULT_PADDING), trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    out.put("padding", new int[][] {padding[0].clone(), padding[1].clone()});
  }

  @Override
  protected Shape computeBuild(Shape input) {
    requireRank(input, 4, "[batch, height, width, channels]");
    return Shapes.batchOf(input.get(1) + padding[0][0] + padding[0][1], input.get(2) + padding[1][0] + padding[1][1],
        input.get(3));
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    return zeroPad(tf, x, padding);
  }

  /** y[b, top + i, left + j, c] = x[b, i, j, c]; zeros elsewhere. */
  static <T extends TNumber> Operand<T> zeroPad(Ops tf, Operand<T> x, int[][] p) {
    int[][] paddings = {{0, 0}, {p[0][0], p[0][1]}, {p[1][0], p[1][1]}, {0, 0}};
    return tf.pad(x, tf.constant(paddings), tf.constantOfSameType(x, 0));
  }
}
