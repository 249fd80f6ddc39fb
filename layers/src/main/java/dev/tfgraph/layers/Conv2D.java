package dev.tfgraph.layers;

import dev.tfgraph.graph.Activated;
import dev.tfgraph.graph.Activations;
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

/** 2-D convolution, NHWC, TF padding semantics. kernel [kh, kw, c_in, filters], bias [filters]. */
public final class Conv2D extends Layer implements Activated {
  public static final List<String> PADDINGS = List.of("valid", "same");
  public static final int DEFAULT_STRIDE = 1;
  public static final String DEFAULT_PADDING = "valid";
  public static final String DEFAULT_ACTIVATION = "linear";
  private final int filters;
  private final int[] kernelSize;
  private final int[] strides;
  private final String padding;
  private final String activation;
  private WeightSpec kernel;
  private WeightSpec bias;

  public Conv2D(String name, int filters, int[] kernelSize, int[] strides, String padding, String activation,
      boolean trainable) {
    super(name, trainable);
    this.filters = Checks.between(where(), "filters", filters, 1, Checks.MAX_UNITS);
    this.kernelSize = Checks.pair(where(), "kernel_size", kernelSize, Checks.MAX_WINDOW).clone();
    this.strides = Checks.pair(where(), "strides", strides, Checks.MAX_WINDOW).clone();
    this.padding = Checks.oneOf(where(), "padding", padding, PADDINGS);
    this.activation = Activations.check(where(), activation);
  }

  public Conv2D(String name, int filters, int k, String padding, String activation) {
    this(name, filters, k, padding, activation, true);
  }

  public Conv2D(String name, int filters, int k, String padding, String activation, boolean trainable) {
    this(name, filters, new int[] {k, k}, new int[] {DEFAULT_STRIDE, DEFAULT_STRIDE}, padding, activation, trainable);
  }

  @Override public String type() { return "Conv2D"; }
  @Override public String activation() { return activation; }

  /** Reads this layer's keys from a spec, with the defaults above; registered in {@link Layers}. */
  public static Conv2D parse(ConfigReader c, String name, boolean trainable) {
    return new Conv2D(name, c.integer("filters", null), c.pair("kernel_size", null),
        c.pair("strides", new int[] {DEFAULT_STRIDE, DEFAULT_STRIDE}), c.string("padding", DEFAULT_PADDING),
        c.string("activation", DEFAULT_ACTIVATION), trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    out.put("filters", filters);
    out.put("kernel_size", kernelSize.clone());
    out.put("strides", strides.clone());
    out.put("padding", padding);
    out.put("activation", activation);
  }

  /** Output size of one spatial axis under TF's padding rules. */
  static long outSize(long in, int k, int s, String padding) {
    return padding.equals("same") ? (in + s - 1) / s : in < k ? 0 : (in - k) / s + 1;
  }

  @Override
  protected Shape computeBuild(Shape input) {
    requireRank(input, 4, "[batch, height, width, channels]");
    long h = outSize(input.get(1), kernelSize[0], strides[0], padding);
    long w = outSize(input.get(2), kernelSize[1], strides[1], padding);
    if (h < 1 || w < 1 || (padding.equals("valid") && (input.get(1) < kernelSize[0] || input.get(2) < kernelSize[1]))) {
      throw new BadInputException(where() + ": kernel_size " + Checks.show(kernelSize) + " does not fit input "
          + Shapes.show(input) + " with padding \"" + padding + "\"");
    }
    Checks.activation(where(), "output", new long[] {h, w, filters}, "filters, or raise strides");
    kernel = addWeight("kernel", new long[] {kernelSize[0], kernelSize[1], input.get(3), filters}, true,
        Initializer.glorotUniform(), "kernel_size, filters or the input channels");
    bias = addWeight("bias", new long[] {filters}, true, Initializer.zeros());
    return Shapes.batchOf(h, w, filters);
  }

  @Override
  public <T extends TNumber> Operand<T> callLinear(Ops tf, Operand<T> x, CallContext ctx) {
    Operand<T> y = tf.nn.conv2d(x, ctx.read(tf, kernel, x.type()),
        List.of(1L, (long) strides[0], (long) strides[1], 1L), padding.toUpperCase(java.util.Locale.ROOT));
    return tf.nn.biasAdd(y, ctx.read(tf, bias, x.type()));
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    return Activations.apply(tf, activation, callLinear(tf, x, ctx));
  }
}
