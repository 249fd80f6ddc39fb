package dev.tfgraph.layers.pooling;

import dev.tfgraph.layers.convolutional.Conv2D;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Checks;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.Shapes;
import java.util.Map;
import org.tensorflow.ndarray.Shape;

/**
 * What MaxPooling2D and AveragePooling2D share: pool_size, strides (default: pool_size) and
 * padding, validated once, written back, and the output shape of a window sliding over NHWC input.
 * Each subclass adds only its op.
 */
public abstract class Pooling2D extends Layer {
  /** pool_size [2, 2]; strides default to pool_size. */
  public static final int DEFAULT_POOL_SIZE = 2;
  /** padding when the spec gives none: "valid", as Keras. */
  public static final String DEFAULT_PADDING = "valid";
  /** The window [height, width] in pixels. */
  protected final int[] poolSize;
  /** The step [height, width] in pixels. */
  protected final int[] strides;
  /** "valid" or "same", as TF pads. */
  protected final String padding;

  /**
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param poolSize the window [height, width] in pixels, each in [1, 65536]
   * @param strides the step [height, width], each in [1, 65536]; null for poolSize
   * @param padding "valid" or "same"
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name or a value is not valid
   */
  protected Pooling2D(String name, int[] poolSize, int[] strides, String padding, boolean trainable) {
    super(name, trainable);
    this.poolSize = Checks.pair(where(), "pool_size", poolSize, Checks.MAX_WINDOW).clone();
    this.strides = Checks.pair(where(), "strides", strides == null ? poolSize : strides, Checks.MAX_WINDOW).clone();
    this.padding = Checks.oneOf(where(), "padding", padding, Conv2D.PADDINGS);
  }

  /**
   * The default pool_size, as a pair.
   * @return a new array [2, 2]
   */
  protected static int[] defaultPool() {
    return new int[] {DEFAULT_POOL_SIZE, DEFAULT_POOL_SIZE};
  }

  @Override
  protected final void writeConfig(Map<String, Object> out) {
    out.put("pool_size", poolSize.clone());
    out.put("strides", strides.clone());
    out.put("padding", padding);
  }

  @Override
  protected final Shape computeBuild(Shape input) {
    requireRank(input, 4, "[batch, height, width, channels]");
    long h = Conv2D.outSize(input.get(1), poolSize[0], strides[0], padding);
    long w = Conv2D.outSize(input.get(2), poolSize[1], strides[1], padding);
    if (h < 1 || w < 1) {
      throw new BadInputException(where() + ": pool_size " + Checks.show(poolSize) + " does not fit input " + Shapes.show(input));
    }
    return Shapes.batchOf(h, w, input.get(3));
  }
}
