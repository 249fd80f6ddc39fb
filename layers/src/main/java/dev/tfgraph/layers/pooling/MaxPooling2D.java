package dev.tfgraph.layers.pooling;

import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.ConfigReader;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/** Max pooling, NHWC; strides default to pool_size; padded positions never win (TF semantics). */
public final class MaxPooling2D extends Pooling2D {
  /**
   * A max pooling layer.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param poolSize the window [height, width] in pixels, each in [1, 65536]
   * @param strides the step [height, width] in pixels, each in [1, 65536]; null for poolSize
   * @param padding "valid" (windows inside the image) or "same" (output size ceil(input / stride))
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name or a value is not valid
   */
  public MaxPooling2D(String name, int[] poolSize, int[] strides, String padding, boolean trainable) {
    super(name, poolSize, strides, padding, trainable);
  }

  /**
   * A trainable max pooling layer with a square window, strides equal to the window, padding "valid".
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param pool the window's height and width in pixels
   * @throws dev.tfgraph.graph.BadInputException if the name or the window is not valid
   */
  public MaxPooling2D(String name, int pool) {
    this(name, new int[] {pool, pool}, null, DEFAULT_PADDING, true);
  }

  @Override public String type() { return "MaxPooling2D"; }

  /**
   * Reads this layer's keys from a spec, with {@link Pooling2D}'s defaults; registered in {@code Layers}.
   * @param c the layer's keys in the model spec (Keras' names)
   * @param name the layer's name, unique in its model
   * @param trainable whether its weights are trained (false freezes them)
   * @return the layer, not yet built
   * @throws dev.tfgraph.graph.BadInputException if a key is missing, of the wrong type or out of range (the
   *     message names the layer and the key)
   */
  public static MaxPooling2D parse(ConfigReader c, String name, boolean trainable) {
    int[] pool = c.pair("pool_size", defaultPool());
    return new MaxPooling2D(name, pool, c.pair("strides", pool), c.string("padding", DEFAULT_PADDING), trainable);
  }

  /**
   * The MaxPool op with its window as attributes, not the Ops API's MaxPoolV2 (window as tensors):
   * with oneDNN on, TF rewrites MaxPool and its gradient to oneDNN kernels but leaves MaxPoolV2 and
   * MaxPoolGradV2 on the slower reference kernels (MaxPoolGradV2 was 6% of an ib-cnn training step).
   * Same values and the same gradient (to the first maximum of a window).
   */
  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    return (Operand<T>) (Operand) tf.scope().opBuilder("MaxPool", "MaxPool")
        .addInput(x.asOutput())
        .setAttr("ksize", new long[] {1, poolSize[0], poolSize[1], 1})
        .setAttr("strides", new long[] {1, strides[0], strides[1], 1})
        .setAttr("padding", padding.toUpperCase(java.util.Locale.ROOT))
        .build().output(0);
  }
}
