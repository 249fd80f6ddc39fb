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
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/**
 * 2-D convolution, NHWC, TF padding semantics. kernel [kh, kw, c_in, filters], bias [filters] (none
 * when use_bias is false). dilation_rate spaces the kernel's taps (as Keras: the window covers
 * (k − 1)·d + 1 positions); as in Keras, strides and dilation_rate cannot both exceed 1. groups
 * splits the channels as Keras' grouped convolution: kernel [kh, kw, c_in/groups, filters], output
 * channels [g·filters/groups, (g + 1)·filters/groups) from input channels [g·c_in/groups, (g + 1)·c_in/groups)
 * (one group per input channel, ConvNeXt's depthwise convolution, runs as DepthwiseConv2dNative).
 */
public final class Conv2D extends Layer implements Activated {
  /**
   * The accepted values of padding, for every windowed layer: "valid" (no padding) and "same" (output size
   * ceil(input / stride)).
   */
  public static final List<String> PADDINGS = List.of("valid", "same");
  /** strides when the spec gives none: 1 along height and width. */
  public static final int DEFAULT_STRIDE = 1;
  /** padding when the spec gives none: "valid". */
  public static final String DEFAULT_PADDING = "valid";
  /** activation when the spec gives none: "linear" (none). */
  public static final String DEFAULT_ACTIVATION = "linear";
  /** use_bias when the spec gives none: true. */
  public static final boolean DEFAULT_USE_BIAS = true;
  /** dilation_rate when the spec gives none: 1 along height and width. */
  public static final int DEFAULT_DILATION = 1;
  /** groups when the spec gives none: 1 (an ordinary convolution). */
  public static final int DEFAULT_GROUPS = 1;
  private final int filters;
  private final int[] kernelSize;
  private final int[] strides;
  private final String padding;
  private final String activation;
  private final boolean useBias;
  private final int[] dilationRate;
  private final int groups;
  private WeightSpec kernel;
  private WeightSpec bias;

  /**
   * A convolution with a bias, no dilation, one group.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param filters the output channels, in [1, 2^24]
   * @param kernelSize the window [height, width] in pixels, each in [1, 65536]
   * @param strides the step [height, width] in pixels, each in [1, 65536]
   * @param padding "valid" or "same"
   * @param activation applied after the bias; one of {@code Activations}' names ("linear" for none)
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name or a value is not valid
   */
  public Conv2D(String name, int filters, int[] kernelSize, int[] strides, String padding, String activation,
      boolean trainable) {
    this(name, filters, kernelSize, strides, padding, activation, DEFAULT_USE_BIAS,
        new int[] {DEFAULT_DILATION, DEFAULT_DILATION}, trainable);
  }

  /**
   * A convolution of one group.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param filters the output channels, in [1, 2^24]
   * @param kernelSize the window [height, width] in pixels, each in [1, 65536]
   * @param strides the step [height, width] in pixels, each in [1, 65536]
   * @param padding "valid" or "same"
   * @param activation applied after the bias; one of {@code Activations}' names ("linear" for none)
   * @param useBias whether a bias [filters] is added
   * @param dilationRate the spacing [height, width] of the kernel's taps, each in [1, 65536]
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name, a value is not valid, or strides and
   *     dilation_rate both exceed 1
   */
  public Conv2D(String name, int filters, int[] kernelSize, int[] strides, String padding, String activation,
      boolean useBias, int[] dilationRate, boolean trainable) {
    this(name, filters, kernelSize, strides, padding, activation, useBias, dilationRate, DEFAULT_GROUPS, trainable);
  }

  /**
   * A convolution with every option.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param filters the output channels, in [1, 2^24]
   * @param kernelSize the window [height, width] in pixels, each in [1, 65536]
   * @param strides the step [height, width] in pixels, each in [1, 65536]
   * @param padding "valid" or "same"
   * @param activation applied after the bias; one of {@code Activations}' names ("linear" for none)
   * @param useBias whether a bias [filters] is added
   * @param dilationRate the spacing [height, width] of the kernel's taps, each in [1, 65536]
   * @param groups the channel groups, in [1, 2^24], dividing filters (and the input channels, checked when
   *     built)
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name, a value is not valid, strides and dilation_rate
   *     both exceed 1, or groups does not divide filters
   */
  public Conv2D(String name, int filters, int[] kernelSize, int[] strides, String padding, String activation,
      boolean useBias, int[] dilationRate, int groups, boolean trainable) {
    super(name, trainable);
    this.filters = Checks.between(where(), "filters", filters, 1, Checks.MAX_UNITS);
    this.kernelSize = Checks.pair(where(), "kernel_size", kernelSize, Checks.MAX_WINDOW).clone();
    this.strides = Checks.pair(where(), "strides", strides, Checks.MAX_WINDOW).clone();
    this.padding = Checks.oneOf(where(), "padding", padding, PADDINGS);
    this.activation = Activations.check(where(), activation);
    this.useBias = useBias;
    this.dilationRate = Checks.pair(where(), "dilation_rate", dilationRate, Checks.MAX_WINDOW).clone();
    if ((this.strides[0] > 1 || this.strides[1] > 1) && (this.dilationRate[0] > 1 || this.dilationRate[1] > 1)) {
      throw new BadInputException(where() + ": strides " + Checks.show(this.strides) + " and dilation_rate "
          + Checks.show(this.dilationRate) + " both exceed 1; expected one of them [1, 1] (as Keras)");
    }
    this.groups = Checks.between(where(), "groups", groups, 1, Checks.MAX_UNITS);
    if (this.filters % this.groups != 0) {
      throw new BadInputException(where() + ": filters " + this.filters + " is not a multiple of groups " + this.groups
          + "; expected filters divisible by groups (as Keras)");
    }
  }

  /**
   * A trainable square convolution with stride 1 and a bias.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param filters the output channels, in [1, 2^24]
   * @param k the window's height and width in pixels
   * @param padding "valid" or "same"
   * @param activation applied after the bias ("linear" for none)
   * @throws dev.tfgraph.graph.BadInputException if the name or a value is not valid
   */
  public Conv2D(String name, int filters, int k, String padding, String activation) {
    this(name, filters, k, padding, activation, true);
  }

  /**
   * A square convolution with stride 1 and a bias.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param filters the output channels, in [1, 2^24]
   * @param k the window's height and width in pixels
   * @param padding "valid" or "same"
   * @param activation applied after the bias ("linear" for none)
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name or a value is not valid
   */
  public Conv2D(String name, int filters, int k, String padding, String activation, boolean trainable) {
    this(name, filters, new int[] {k, k}, new int[] {DEFAULT_STRIDE, DEFAULT_STRIDE}, padding, activation, trainable);
  }

  @Override public String type() { return "Conv2D"; }
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
  public static Conv2D parse(ConfigReader c, String name, boolean trainable) {
    return new Conv2D(name, c.integer("filters", null), c.pair("kernel_size", null),
        c.pair("strides", new int[] {DEFAULT_STRIDE, DEFAULT_STRIDE}), c.string("padding", DEFAULT_PADDING),
        c.string("activation", DEFAULT_ACTIVATION), c.bool("use_bias", DEFAULT_USE_BIAS),
        c.pair("dilation_rate", new int[] {DEFAULT_DILATION, DEFAULT_DILATION}), c.integer("groups", DEFAULT_GROUPS), trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    out.put("filters", filters);
    out.put("kernel_size", kernelSize.clone());
    out.put("strides", strides.clone());
    out.put("padding", padding);
    out.put("activation", activation);
    out.put("use_bias", useBias);
    out.put("dilation_rate", dilationRate.clone());
    if (groups != DEFAULT_GROUPS) out.put("groups", groups);   // written only when used: existing specs print as before
  }

  /**
   * Output size of one spatial axis under TF's padding rules.
   * @param in the input's size along the axis, in pixels
   * @param k the window's extent along the axis (dilated: (k - 1)·d + 1)
   * @param s the stride
   * @param padding "valid" or "same"
   * @return ceil((in - k + 1) / s) for "valid", ceil(in / s) for "same"; below 1 when the window does not fit
   */
  public static long outSize(long in, int k, int s, String padding) {
    return padding.equals("same") ? (in + s - 1) / s : in < k ? 0 : (in - k) / s + 1;
  }

  @Override
  protected Shape computeBuild(Shape input) {
    requireRank(input, 4, "[batch, height, width, channels]");
    long kh = (long) (kernelSize[0] - 1) * dilationRate[0] + 1, kw = (long) (kernelSize[1] - 1) * dilationRate[1] + 1;
    long h = outSize(input.get(1), (int) Math.min(kh, Integer.MAX_VALUE), strides[0], padding);
    long w = outSize(input.get(2), (int) Math.min(kw, Integer.MAX_VALUE), strides[1], padding);
    if (h < 1 || w < 1 || (padding.equals("valid") && (input.get(1) < kh || input.get(2) < kw))) {
      throw new BadInputException(where() + ": kernel_size " + Checks.show(kernelSize) + " does not fit input "
          + Shapes.show(input) + " with padding \"" + padding + "\"");
    }
    if (input.get(3) % groups != 0) {
      throw new BadInputException(where() + ": groups " + groups + " does not divide the input's " + input.get(3) + " channels, received input "
          + Shapes.show(input) + "; expected channels divisible by groups (as Keras)");
    }
    Checks.activation(where(), "output", new long[] {h, w, filters}, "filters, or raise strides");
    kernel = addWeight("kernel", new long[] {kernelSize[0], kernelSize[1], input.get(3) / groups, filters}, true,
        Initializer.glorotUniform(), "kernel_size, filters or the input channels");
    if (useBias) bias = addWeight("bias", new long[] {filters}, true, Initializer.zeros());
    return Shapes.batchOf(h, w, filters);
  }

  @Override
  public <T extends TNumber> Operand<T> callLinear(Ops tf, Operand<T> x, CallContext ctx) {
    Operand<T> k = ctx.read(tf, kernel, x.type());
    k = DepthwiseConv2D.dilate(tf, k, dilationRate);
    Operand<T> y = groups == 1 ? conv(tf, x, k) : grouped(tf, x, k);
    return useBias ? tf.nn.biasAdd(y, ctx.read(tf, bias, x.type())) : y;
  }

  private <T extends TNumber> Operand<T> conv(Ops tf, Operand<T> x, Operand<T> k) {
    return tf.nn.conv2d(x, k, List.of(1L, (long) strides[0], (long) strides[1], 1L), padding.toUpperCase(java.util.Locale.ROOT));
  }

  /**
   * Grouped convolution by plain ops (TF's CPU Conv2D refuses a kernel of fewer input channels than
   * the input; Keras compiles it with XLA): with one input channel per group, the kernel [kh, kw, 1,
   * filters] reshaped to [kh, kw, c_in, filters/groups] is a DepthwiseConv2dNative kernel (its output
   * channel c·m + j is group c's j-th filter); otherwise the input and the kernel are split into the
   * groups, convolved group by group and concatenated.
   */
  private <T extends TNumber> Operand<T> grouped(Ops tf, Operand<T> x, Operand<T> k) {
    int cin = (int) kernel.shape().get(2) * groups, perGroup = filters / groups;
    int eh = (kernelSize[0] - 1) * dilationRate[0] + 1, ew = (kernelSize[1] - 1) * dilationRate[1] + 1;
    if (cin == groups) {
      Operand<T> dk = tf.reshape(k, tf.constant(new int[] {eh, ew, cin, perGroup}));
      return tf.nn.depthwiseConv2dNative(x, dk, List.of(1L, (long) strides[0], (long) strides[1], 1L),
          padding.toUpperCase(java.util.Locale.ROOT));
    }
    List<org.tensorflow.Output<T>> xs = tf.split(tf.constant(3), x, (long) groups).output();
    List<org.tensorflow.Output<T>> ks = tf.split(tf.constant(3), k, (long) groups).output();
    List<Operand<T>> ys = new java.util.ArrayList<>(groups);
    for (int g = 0; g < groups; g++) ys.add(conv(tf, xs.get(g), ks.get(g)));
    return tf.concat(ys, tf.constant(3));
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    return Activations.apply(tf, activation, callLinear(tf, x, ctx));
  }
}
