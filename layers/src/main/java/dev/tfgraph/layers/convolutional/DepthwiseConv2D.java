package dev.tfgraph.layers.convolutional;

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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.StridedSlice;
import org.tensorflow.types.family.TNumber;

/**
 * Depthwise 2-D convolution, NHWC (Keras' DepthwiseConv2D, TF's DepthwiseConv2dNative): each input
 * channel k is convolved with its own depth_multiplier filters, giving output channels
 * k·depth_multiplier + j. kernel [kh, kw, c_in, depth_multiplier], bias [c_in·depth_multiplier].
 */
public final class DepthwiseConv2D extends Layer implements Activated {
  /** strides when the spec gives none: 1 along height and width. */
  public static final int DEFAULT_STRIDE = 1;
  /** padding when the spec gives none: "valid". */
  public static final String DEFAULT_PADDING = "valid";
  /** depth_multiplier when the spec gives none: 1. */
  public static final int DEFAULT_DEPTH_MULTIPLIER = 1;
  /** dilation_rate when the spec gives none: 1 along height and width. */
  public static final int DEFAULT_DILATION = 1;
  /** activation when the spec gives none: "linear" (none). */
  public static final String DEFAULT_ACTIVATION = "linear";
  /** use_bias when the spec gives none: true. */
  public static final boolean DEFAULT_USE_BIAS = true;
  private final Window window;
  private final int depthMultiplier;
  private final String activation;
  private final boolean useBias;
  private WeightSpec kernel;
  private WeightSpec bias;

  /**
   * A depthwise convolution.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param kernelSize the window [height, width] in pixels, each in [1, 65536]
   * @param strides the step [height, width] in pixels, each in [1, 65536]
   * @param padding "valid" or "same"
   * @param depthMultiplier the output channels per input channel, in [1, 2^24]
   * @param dilationRate the spacing [height, width] of the kernel's taps, each in [1, 65536]
   * @param activation applied after the bias; one of {@code Activations}' names ("linear" for none)
   * @param useBias whether a bias [c_in·depth_multiplier] is added
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name, a value is not valid, or strides and
   *     dilation_rate both exceed 1
   */
  public DepthwiseConv2D(String name, int[] kernelSize, int[] strides, String padding, int depthMultiplier, int[] dilationRate,
      String activation, boolean useBias, boolean trainable) {
    super(name, trainable);
    this.window = new Window(where(), kernelSize, strides, padding, dilationRate);
    this.depthMultiplier = Checks.between(where(), "depth_multiplier", depthMultiplier, 1, Checks.MAX_UNITS);
    this.activation = Activations.check(where(), activation);
    this.useBias = useBias;
  }

  @Override public String type() { return "DepthwiseConv2D"; }
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
  public static DepthwiseConv2D parse(ConfigReader c, String name, boolean trainable) {
    return new DepthwiseConv2D(name, c.pair("kernel_size", null), c.pair("strides", new int[] {DEFAULT_STRIDE, DEFAULT_STRIDE}),
        c.string("padding", DEFAULT_PADDING), c.integer("depth_multiplier", DEFAULT_DEPTH_MULTIPLIER),
        c.pair("dilation_rate", new int[] {DEFAULT_DILATION, DEFAULT_DILATION}), c.string("activation", DEFAULT_ACTIVATION),
        c.bool("use_bias", DEFAULT_USE_BIAS), trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    writeDepthwise(out, window, depthMultiplier, activation, useBias);
  }

  /** The keys of a depthwise convolution, in Keras' order: this layer's, and SeparableConv2D's after its filters. */
  static void writeDepthwise(Map<String, Object> out, Window window, int depthMultiplier, String activation, boolean useBias) {
    out.put("kernel_size", window.kernelSize.clone());
    out.put("strides", window.strides.clone());
    out.put("padding", window.padding);
    out.put("depth_multiplier", depthMultiplier);
    out.put("dilation_rate", window.dilationRate.clone());
    out.put("activation", activation);
    out.put("use_bias", useBias);
  }

  @Override
  protected Shape computeBuild(Shape input) {
    requireRank(input, 4, "[batch, height, width, channels]");
    long[] hw = window.outputSize(where(), input);
    long channels = Math.multiplyExact(input.get(3), depthMultiplier);
    Checks.activation(where(), "output", new long[] {hw[0], hw[1], channels}, "depth_multiplier, or raise strides");
    kernel = addWeight("kernel", new long[] {window.kernelSize[0], window.kernelSize[1], input.get(3), depthMultiplier}, true,
        Initializer.glorotUniform(), "kernel_size, depth_multiplier or the input channels");
    if (useBias) bias = addWeight("bias", new long[] {channels}, true, Initializer.zeros());
    return Shapes.batchOf(hw[0], hw[1], channels);
  }

  @Override
  public <T extends TNumber> Operand<T> callLinear(Ops tf, Operand<T> x, CallContext ctx) {
    Operand<T> y = depthwise(tf, x, ctx.read(tf, kernel, x.type()), window);
    return useBias ? tf.nn.biasAdd(y, ctx.read(tf, bias, x.type())) : y;
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    return Activations.apply(tf, activation, callLinear(tf, x, ctx));
  }

  /**
   * y[b, i, j, k·dm + m] = Σ_{p,q} x[b, i·s + p·d, j·s + q·d, k]·kernel[p, q, k, m] with TF padding
   * of the window's extent (k − 1)·d + 1: DepthwiseConv2dNative, on the dilated kernel when d > 1
   * (TF's CPU kernel refuses the op's own dilations attribute in float64).
   */
  static <T extends TNumber> Operand<T> depthwise(Ops tf, Operand<T> x, Operand<T> kernel, Window w) {
    return tf.nn.depthwiseConv2dNative(x, dilate(tf, kernel, w.dilationRate), List.of(1L, (long) w.strides[0], (long) w.strides[1], 1L),
        w.padding.toUpperCase(Locale.ROOT));
  }

  /**
   * The kernel [kh, kw, c, m] spread to [(kh − 1)·dh + 1, (kw − 1)·dw + 1, c, m] with zeros between
   * its taps (the kernel itself when not dilated): reshape, pad and slice, ops with registered
   * gradients, so the gradient reaches the kernel's own entries only. A plain convolution with it is
   * the dilated one, padding included; Conv2D uses it too, since TF's CPU gradient of Conv2D's input
   * ignores the op's own dilations attribute.
   */
  static <T extends TNumber> Operand<T> dilate(Ops tf, Operand<T> kernel, int[] dilationRate) {
    int dh = dilationRate[0], dw = dilationRate[1];
    if (dh == 1 && dw == 1) return kernel;
    Shape s = kernel.shape();
    long kh = s.get(0), kw = s.get(1), c = s.get(2), m = s.get(3);
    Operand<T> k6 = tf.reshape(kernel, tf.constant(new long[] {kh, 1, kw, 1, c, m}));
    Operand<T> spread = tf.pad(k6, tf.constant(new int[][] {{0, 0}, {0, dh - 1}, {0, 0}, {0, dw - 1}, {0, 0}, {0, 0}}),
        tf.constantOfSameType(kernel, 0));
    Operand<T> k4 = tf.reshape(spread, tf.constant(new long[] {kh * dh, kw * dw, c, m}));
    return tf.stridedSlice(k4, tf.constant(new int[] {0, 0, 0, 0}),
        tf.constant(new int[] {Math.toIntExact((kh - 1) * dh + 1), Math.toIntExact((kw - 1) * dw + 1), 0, 0}),
        tf.constant(new int[] {1, 1, 1, 1}), StridedSlice.endMask(12L));
  }

  /** The sliding window DepthwiseConv2D and SeparableConv2D share: kernel_size, strides, padding, dilation_rate. */
  static final class Window {
    static final List<String> PADDINGS = List.of("valid", "same");
    final int[] kernelSize;
    final int[] strides;
    final String padding;
    final int[] dilationRate;

    Window(String where, int[] kernelSize, int[] strides, String padding, int[] dilationRate) {
      this.kernelSize = Checks.pair(where, "kernel_size", kernelSize, Checks.MAX_WINDOW).clone();
      this.strides = Checks.pair(where, "strides", strides, Checks.MAX_WINDOW).clone();
      this.padding = Checks.oneOf(where, "padding", padding, PADDINGS);
      this.dilationRate = Checks.pair(where, "dilation_rate", dilationRate, Checks.MAX_WINDOW).clone();
      boolean strided = this.strides[0] > 1 || this.strides[1] > 1;
      boolean dilated = this.dilationRate[0] > 1 || this.dilationRate[1] > 1;
      if (strided && dilated) {
        throw new BadInputException(where + ": strides " + Checks.show(this.strides) + " and dilation_rate "
            + Checks.show(this.dilationRate) + " cannot both be above 1 (as in Keras); expected one of them [1, 1]");
      }
    }

    /** The window's extent on axis i with dilation: (k − 1)·d + 1. */
    long extent(int i) {
      return (long) (kernelSize[i] - 1) * dilationRate[i] + 1;
    }

    /** [height, width] of the output under TF's padding rules, or bad input naming kernel_size when the window does not fit. */
    long[] outputSize(String where, Shape input) {
      long[] out = new long[2];
      for (int i = 0; i < 2; i++) {
        long in = input.get(i + 1), k = extent(i);
        out[i] = padding.equals("same") ? (in + strides[i] - 1) / strides[i] : in < k ? 0 : (in - k) / strides[i] + 1;
        if (out[i] < 1) {
          throw new BadInputException(where + ": kernel_size " + Checks.show(kernelSize) + " with dilation_rate "
              + Checks.show(dilationRate) + " does not fit input " + Shapes.show(input) + " with padding \"" + padding + "\"");
        }
      }
      return out;
    }
  }
}
