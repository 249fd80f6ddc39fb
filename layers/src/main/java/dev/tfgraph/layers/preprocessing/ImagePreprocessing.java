package dev.tfgraph.layers.preprocessing;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.Checks;
import dev.tfgraph.graph.ConfigReader;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.Shapes;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/**
 * Keras' imagenet_utils.preprocess_input on RGB input in [0, 1], channels last. mode is required
 * (the contract gives no default): "caffe": 255·x, RGB to BGR, minus the BGR means [103.939,
 * 116.779, 123.68]; "torch": (x − [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225]; "tf": 2x − 1.
 * caffe and torch need 3 channels; tf takes any.
 */
public final class ImagePreprocessing extends Layer {
  /** The accepted values of mode. */
  public static final List<String> MODES = List.of("caffe", "torch", "tf");
  static final double[] CAFFE_BGR_MEAN = {103.939, 116.779, 123.68};
  static final double[] TORCH_MEAN = {0.485, 0.456, 0.406};
  static final double[] TORCH_STD = {0.229, 0.224, 0.225};
  private final String mode;

  /**
   * An image preprocessing layer; the output has the input's shape.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param mode one of {@link #MODES}
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name or the mode is not valid
   */
  public ImagePreprocessing(String name, String mode, boolean trainable) {
    super(name, trainable);
    this.mode = Checks.oneOf(where(), "mode", mode, MODES);
  }

  /**
   * An image preprocessing layer.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param mode one of {@link #MODES}
   * @throws dev.tfgraph.graph.BadInputException if the name or the mode is not valid
   */
  public ImagePreprocessing(String name, String mode) {
    this(name, mode, true);
  }

  @Override public String type() { return "ImagePreprocessing"; }

  /**
   * Reads this layer's keys from a spec (all required); registered in {@code Layers}.
   * @param c the layer's keys in the model spec (Keras' names)
   * @param name the layer's name, unique in its model
   * @param trainable whether its weights are trained (false freezes them)
   * @return the layer, not yet built
   * @throws dev.tfgraph.graph.BadInputException if a key is missing, of the wrong type or out of range (the
   *     message names the layer and the key)
   */
  public static ImagePreprocessing parse(ConfigReader c, String name, boolean trainable) {
    return new ImagePreprocessing(name, c.string("mode", null), trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    out.put("mode", mode);
  }

  @Override
  protected Shape computeBuild(Shape input) {
    if (input.numDimensions() < 2) {
      throw new BadInputException(where() + ": expected input of rank >= 2 [batch, ..., channels], received shape "
          + Shapes.show(input) + " (rank " + input.numDimensions() + ")");
    }
    requireRank(input, input.numDimensions(), "[batch, ..., channels]");
    long channels = input.get(input.numDimensions() - 1);
    if (!mode.equals("tf") && channels != 3) {
      throw new BadInputException(where() + ": mode \"" + mode + "\" expects 3 channels (RGB) on the last axis, received shape "
          + Shapes.show(input) + " (" + channels + " channel" + (channels == 1 ? "" : "s") + ")");
    }
    return input;
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    return preprocess(tf, x, mode);
  }

  /** The three modes, as docs/layers.md writes them; per-channel constants broadcast over the last axis. */
  static <T extends TNumber> Operand<T> preprocess(Ops tf, Operand<T> x, String mode) {
    switch (mode) {
      case "tf":
        return tf.math.sub(tf.math.mul(x, tf.constantOfSameType(x, 2)), tf.constantOfSameType(x, 1));
      case "torch":
        return tf.math.div(tf.math.sub(x, channels(tf, x, TORCH_MEAN)), channels(tf, x, TORCH_STD));
      default:   // caffe
        Operand<T> bgr = tf.reverse(x, tf.constant(new int[] {-1}));
        return tf.math.sub(tf.math.mul(bgr, tf.constantOfSameType(x, 255)), channels(tf, x, CAFFE_BGR_MEAN));
    }
  }

  private static <T extends TNumber> Operand<T> channels(Ops tf, Operand<T> x, double[] values) {
    return tf.dtypes.cast(tf.constant(values), x.type());
  }
}
