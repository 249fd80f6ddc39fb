package dev.tfgraph.layers.pooling;

import dev.tfgraph.layers.merging.Average;
import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.ConfigReader;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/**
 * Average pooling, NHWC, with TF AvgPool semantics: each output is the mean of the in-bounds values
 * of its window; with "same" the padding is split as TF splits it (before = total / 2) and padded
 * positions are not counted. strides default to pool_size, padding to "valid" (as Keras).
 */
public final class AveragePooling2D extends Pooling2D {
  /**
   * A average pooling layer.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param poolSize the window [height, width] in pixels, each in [1, 65536]
   * @param strides the step [height, width] in pixels, each in [1, 65536]; null for poolSize
   * @param padding "valid" (windows inside the image) or "same" (output size ceil(input / stride))
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name or a value is not valid
   */
  public AveragePooling2D(String name, int[] poolSize, int[] strides, String padding, boolean trainable) {
    super(name, poolSize, strides, padding, trainable);
  }

  /**
   * A trainable average pooling layer with a square window, strides equal to the window, padding "valid".
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param pool the window's height and width in pixels
   * @throws dev.tfgraph.graph.BadInputException if the name or the window is not valid
   */
  public AveragePooling2D(String name, int pool) {
    this(name, new int[] {pool, pool}, null, DEFAULT_PADDING, true);
  }

  @Override public String type() { return "AveragePooling2D"; }

  /**
   * Reads this layer's keys from a spec, with {@link Pooling2D}'s defaults; registered in {@code Layers}.
   * @param c the layer's keys in the model spec (Keras' names)
   * @param name the layer's name, unique in its model
   * @param trainable whether its weights are trained (false freezes them)
   * @return the layer, not yet built
   * @throws dev.tfgraph.graph.BadInputException if a key is missing, of the wrong type or out of range (the
   *     message names the layer and the key)
   */
  public static AveragePooling2D parse(ConfigReader c, String name, boolean trainable) {
    int[] pool = c.pair("pool_size", defaultPool());
    return new AveragePooling2D(name, pool, c.pair("strides", pool), c.string("padding", DEFAULT_PADDING), trainable);
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    return avgPool(tf, x, poolSize, strides, padding);
  }

  /** TF's AvgPool: y[b, i, j, c] = mean of x[b, window(i, j) ∩ image, c]. */
  static <T extends TNumber> Operand<T> avgPool(Ops tf, Operand<T> x, int[] pool, int[] strides, String padding) {
    return tf.nn.avgPool(x, List.of(1L, (long) pool[0], (long) pool[1], 1L), List.of(1L, (long) strides[0], (long) strides[1], 1L),
        padding.toUpperCase(java.util.Locale.ROOT));
  }
}
