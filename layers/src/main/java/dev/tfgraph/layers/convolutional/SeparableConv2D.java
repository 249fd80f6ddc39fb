package dev.tfgraph.layers.convolutional;

import dev.tfgraph.graph.model.Activated;
import dev.tfgraph.graph.activation.Activations;
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
 * Depthwise separable 2-D convolution, NHWC (Keras' SeparableConv2D): a depthwise convolution
 * (depthwise_kernel [kh, kw, c_in, dm], as {@link DepthwiseConv2D}), then a 1×1 convolution
 * (pointwise_kernel [1, 1, c_in·dm, filters]), then bias [filters] and the activation.
 */
public final class SeparableConv2D extends Layer implements Activated {
  private final int filters;
  private final DepthwiseConv2D.Window window;
  private final int depthMultiplier;
  private final String activation;
  private final boolean useBias;
  private WeightSpec depthwiseKernel;
  private WeightSpec pointwiseKernel;
  private WeightSpec bias;

  /**
   * A separable convolution.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param filters the output channels of the pointwise step, in [1, 2^24]
   * @param kernelSize the window [height, width] in pixels, each in [1, 65536]
   * @param strides the step [height, width] in pixels, each in [1, 65536]
   * @param padding "valid" or "same"
   * @param depthMultiplier the output channels per input channel, in [1, 2^24]
   * @param dilationRate the spacing [height, width] of the kernel's taps, each in [1, 65536]
   * @param activation applied after the bias; one of {@code Activations}' names ("linear" for none)
   * @param useBias whether a bias [filters] is added
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name, a value is not valid, or strides and
   *     dilation_rate both exceed 1
   */
  public SeparableConv2D(String name, int filters, int[] kernelSize, int[] strides, String padding, int depthMultiplier,
      int[] dilationRate, String activation, boolean useBias, boolean trainable) {
    super(name, trainable);
    this.filters = Checks.between(where(), "filters", filters, 1, Checks.MAX_UNITS);
    this.window = new DepthwiseConv2D.Window(where(), kernelSize, strides, padding, dilationRate);
    this.depthMultiplier = Checks.between(where(), "depth_multiplier", depthMultiplier, 1, Checks.MAX_UNITS);
    this.activation = Activations.check(where(), activation);
    this.useBias = useBias;
  }

  @Override public String type() { return "SeparableConv2D"; }
  @Override public String activation() { return activation; }

  /**
   * Reads this layer's keys from a spec, with DepthwiseConv2D's defaults; registered in {@code Layers}.
   * @param c the layer's keys in the model spec (Keras' names)
   * @param name the layer's name, unique in its model
   * @param trainable whether its weights are trained (false freezes them)
   * @return the layer, not yet built
   * @throws dev.tfgraph.graph.BadInputException if a key is missing, of the wrong type or out of range (the
   *     message names the layer and the key)
   */
  public static SeparableConv2D parse(ConfigReader c, String name, boolean trainable) {
    int s = DepthwiseConv2D.DEFAULT_STRIDE, d = DepthwiseConv2D.DEFAULT_DILATION;
    return new SeparableConv2D(name, c.integer("filters", null), c.pair("kernel_size", null), c.pair("strides", new int[] {s, s}),
        c.string("padding", DepthwiseConv2D.DEFAULT_PADDING), c.integer("depth_multiplier", DepthwiseConv2D.DEFAULT_DEPTH_MULTIPLIER),
        c.pair("dilation_rate", new int[] {d, d}), c.string("activation", DepthwiseConv2D.DEFAULT_ACTIVATION),
        c.bool("use_bias", DepthwiseConv2D.DEFAULT_USE_BIAS), trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    out.put("filters", filters);
    DepthwiseConv2D.writeDepthwise(out, window, depthMultiplier, activation, useBias);
  }

  @Override
  protected Shape computeBuild(Shape input) {
    requireRank(input, 4, "[batch, height, width, channels]");
    long[] hw = window.outputSize(where(), input);
    long middle = Math.multiplyExact(input.get(3), depthMultiplier);
    Checks.activation(where(), "depthwise output", new long[] {hw[0], hw[1], middle}, "depth_multiplier, or raise strides");
    Checks.activation(where(), "output", new long[] {hw[0], hw[1], filters}, "filters, or raise strides");
    depthwiseKernel = addWeight("depthwise_kernel", new long[] {window.kernelSize[0], window.kernelSize[1], input.get(3),
        depthMultiplier}, true, Initializer.glorotUniform(), "kernel_size, depth_multiplier or the input channels");
    pointwiseKernel = addWeight("pointwise_kernel", new long[] {1, 1, middle, filters}, true, Initializer.glorotUniform(),
        "filters, depth_multiplier or the input channels");
    if (useBias) bias = addWeight("bias", new long[] {filters}, true, Initializer.zeros());
    return Shapes.batchOf(hw[0], hw[1], filters);
  }

  @Override
  public <T extends TNumber> Operand<T> callLinear(Ops tf, Operand<T> x, CallContext ctx) {
    Operand<T> y = separable(tf, x, ctx.read(tf, depthwiseKernel, x.type()), ctx.read(tf, pointwiseKernel, x.type()), window);
    return useBias ? tf.nn.biasAdd(y, ctx.read(tf, bias, x.type())) : y;
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    return Activations.apply(tf, activation, callLinear(tf, x, ctx));
  }

  /** z = depthwise(x, depthwise_kernel); y[b, i, j, f] = Σ_k z[b, i, j, k]·pointwise_kernel[0, 0, k, f]. */
  static <T extends TNumber> Operand<T> separable(Ops tf, Operand<T> x, Operand<T> depthwise, Operand<T> pointwise,
      DepthwiseConv2D.Window w) {
    Operand<T> z = DepthwiseConv2D.depthwise(tf, x, depthwise, w);
    return tf.nn.conv2d(z, pointwise, List.of(1L, 1L, 1L, 1L), "VALID");
  }
}
