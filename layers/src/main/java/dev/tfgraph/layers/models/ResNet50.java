package dev.tfgraph.layers.models;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Node;
import dev.tfgraph.layers.convolutional.Conv2D;
import dev.tfgraph.layers.core.Activation;
import dev.tfgraph.layers.merging.Add;
import dev.tfgraph.layers.normalization.BatchNormalization;
import dev.tfgraph.layers.pooling.MaxPooling2D;
import dev.tfgraph.layers.reshaping.ZeroPadding2D;
import java.util.ArrayList;
import java.util.List;

/** Keras' ResNet50 base, layer for layer: the backbone of ib-resnet50, and of models of your own. */
public final class ResNet50 {
  /** ResNet50's stages (Keras' conv2 ... conv5): blocks per stage and bottleneck widths (outputs are 4×). */
  private static final int[] BLOCKS = {3, 4, 6, 3};
  private static final int[] FILTERS = {64, 128, 256, 512};
  /** Keras' BatchNormalization epsilon in its ResNets. */
  public static final double BN_EPSILON = 1.001e-5;
  /** The 53 Conv2D and 53 BatchNormalization layers of ResNet50's base, by Keras name (weights files hold these). */
  public static final List<String> WEIGHTED = layerNames().stream()
      .filter(n -> n.endsWith("_conv") || n.endsWith("_bn")).toList();

  private ResNet50() {}

  /**
   * Keras' ResNet50 base ({@code keras.applications.ResNet50(include_top=False)}, ResNet v1 as in
   * keras/src/applications/resnet.py), applied to {@code x}: the same layers, names, order and math.
   * conv1_pad (3), conv1_conv 7×7/2 (64), conv1_bn, conv1_relu, pool1_pad (1), pool1_pool 3×3/2, then
   * stages conv2..conv5 of 3, 4, 6, 3 bottleneck blocks of widths 64, 128, 256, 512 (outputs 4×). A
   * stage's first block (conv3..conv5) strides by 2 on its first 1×1 convolution and on the 1×1
   * shortcut convolution {@code _0_conv} (v1; torchvision's v1.5 strides on the 3×3 instead). Every
   * convolution has a bias; BatchNormalization epsilon 1.001e-5. {@code widthDivisor} (dividing 64)
   * shrinks every width, for tests on small weight files. Returns conv5_block3_out.
   *
   * @param x the preprocessed image input, [batch, height, width, 3] (224×224 for Keras' weights)
   * @param widthDivisor 1 for the real network; a divisor of 64 shrinks every width by it
   * @param trainable false freezes the base: its weights stay out of the optimizer and its
   *     BatchNormalization layers use their moving statistics
   * @return conv5_block3_out, [batch, height / 32, width / 32, 2048 / widthDivisor] (7×7 spatially
   *     for a 224×224 input)
   * @throws dev.tfgraph.graph.BadInputException when widthDivisor does not divide 64
   */
  public static Node base(Node x, int widthDivisor, boolean trainable) {
    if (widthDivisor < 1 || 64 % widthDivisor != 0) {
      throw new BadInputException("ResNet50: width divisor must divide 64, received " + widthDivisor);
    }
    int d = widthDivisor;
    Node h = new ZeroPadding2D("conv1_pad", 3).on(x);
    h = conv("conv1_conv", 64 / d, 7, 2, "valid", trainable).on(h);
    h = bn("conv1_bn", trainable).on(h);
    h = new Activation("conv1_relu", "relu").on(h);
    h = new ZeroPadding2D("pool1_pad", 1).on(h);
    h = new MaxPooling2D("pool1_pool", new int[] {3, 3}, new int[] {2, 2}, "valid", true).on(h);
    for (int s = 0; s < BLOCKS.length; s++) {
      for (int b = 1; b <= BLOCKS[s]; b++) {
        h = bottleneck(h, "conv" + (s + 2) + "_block" + b, FILTERS[s] / d, b == 1 && s > 0 ? 2 : 1, b == 1, trainable);
      }
    }
    return h;
  }

  /**
   * Keras' residual_block_v1, its layers applied in the order Keras lists them (model.layers): the
   * 1_ and 2_ branch, then 0_conv, 3_conv, 0_bn, 3_bn (equal depth, shortcut first), add, out.
   */
  private static Node bottleneck(Node x, String n, int filters, int stride, boolean convShortcut, boolean trainable) {
    Node h = conv(n + "_1_conv", filters, 1, stride, "valid", trainable).on(x);
    h = bn(n + "_1_bn", trainable).on(h);
    h = new Activation(n + "_1_relu", "relu").on(h);
    h = conv(n + "_2_conv", filters, 3, 1, "same", trainable).on(h);
    h = bn(n + "_2_bn", trainable).on(h);
    h = new Activation(n + "_2_relu", "relu").on(h);
    // applied in Keras' listing order: 0_conv, 3_conv, 0_bn, 3_bn (the math does not depend on it)
    Node shortcut = convShortcut ? conv(n + "_0_conv", 4 * filters, 1, stride, "valid", trainable).on(x) : x;
    h = conv(n + "_3_conv", 4 * filters, 1, 1, "valid", trainable).on(h);
    if (convShortcut) shortcut = bn(n + "_0_bn", trainable).on(shortcut);
    h = bn(n + "_3_bn", trainable).on(h);
    h = new Add(n + "_add").on(shortcut, h);
    return new Activation(n + "_out", "relu").on(h);
  }

  private static Conv2D conv(String name, int filters, int k, int stride, String padding, boolean trainable) {
    return new Conv2D(name, filters, new int[] {k, k}, new int[] {stride, stride}, padding, "linear", trainable);
  }

  private static BatchNormalization bn(String name, boolean trainable) {
    return new BatchNormalization(name, BN_EPSILON, BatchNormalization.DEFAULT_MOMENTUM, trainable);
  }

  /** ResNet50's layer names by Keras' rules (resnet.py), in Keras' model.layers order, the input left out. */
  static List<String> layerNames() {
    List<String> out = new ArrayList<>(List.of("conv1_pad", "conv1_conv", "conv1_bn", "conv1_relu", "pool1_pad", "pool1_pool"));
    for (int s = 0; s < BLOCKS.length; s++) {
      for (int b = 1; b <= BLOCKS[s]; b++) {
        String n = "conv" + (s + 2) + "_block" + b;
        for (String p : new String[] {"_1_conv", "_1_bn", "_1_relu", "_2_conv", "_2_bn", "_2_relu"}) out.add(n + p);
        if (b == 1) out.addAll(List.of(n + "_0_conv", n + "_3_conv", n + "_0_bn", n + "_3_bn"));
        else out.addAll(List.of(n + "_3_conv", n + "_3_bn"));
        out.addAll(List.of(n + "_add", n + "_out"));
      }
    }
    return out;
  }
}
