package dev.tfgraph.layers.models;

import dev.tfgraph.layers.bilinear.BilinearPooling;
import dev.tfgraph.layers.bilinear.L2Normalize;
import dev.tfgraph.layers.bilinear.MatrixSqrt;
import dev.tfgraph.layers.bilinear.SignedSqrt;
import dev.tfgraph.layers.convolutional.Conv2D;
import dev.tfgraph.layers.core.Activation;
import dev.tfgraph.layers.core.Dense;
import dev.tfgraph.layers.core.Dropout;
import dev.tfgraph.layers.merging.Add;
import dev.tfgraph.layers.normalization.BatchNormalization;
import dev.tfgraph.layers.pooling.MaxPooling2D;
import dev.tfgraph.layers.preprocessing.ImagePreprocessing;
import dev.tfgraph.layers.prototype.PrototypeKernel;
import dev.tfgraph.layers.reshaping.Flatten;
import dev.tfgraph.layers.reshaping.ZeroPadding2D;
import dev.tfgraph.layers.softexp.SoftExponential;
import dev.tfgraph.layers.taylor.TaylorExpansion;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.model.Functional;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** The built-in models (the seed users' designs), by name, for 28×28×1 images and 10 classes. */
public final class Models {
  public static final List<String> NAMES = List.of("cnn", "taylor-cnn", "prototype-net", "ib-cnn", "softexp-mlp", "ib-vgg16",
      "ib-resnet50");
  /** The 13 convolutions of VGG16, by their Keras names, with their widths. */
  public static final List<String> VGG16_CONVS = List.of("block1_conv1", "block1_conv2", "block2_conv1", "block2_conv2",
      "block3_conv1", "block3_conv2", "block3_conv3", "block4_conv1", "block4_conv2", "block4_conv3",
      "block5_conv1", "block5_conv2", "block5_conv3");
  private static final int[] VGG16_WIDTHS = {64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512};
  public static final List<String> FASHION_LABELS = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

  /** ResNet50's stages (Keras' conv2 ... conv5): blocks per stage and bottleneck widths (outputs are 4×). */
  private static final int[] RESNET50_BLOCKS = {3, 4, 6, 3};
  private static final int[] RESNET50_FILTERS = {64, 128, 256, 512};
  /** Keras' BatchNormalization epsilon in its ResNets. */
  public static final double RESNET_BN_EPSILON = 1.001e-5;
  /** The 53 Conv2D and 53 BatchNormalization layers of ResNet50's base, by Keras name (weights files hold these). */
  public static final List<String> RESNET50_WEIGHTED = resnet50LayerNames().stream()
      .filter(n -> n.endsWith("_conv") || n.endsWith("_bn")).toList();
  /** ib-resnet50's default width of the 1×1 convolution that reduces conv5's 2048 channels before bilinear pooling. */
  public static final int DEFAULT_REDUCE_CHANNELS = 256;

  /** taylor-cnn's default expansion order. */
  public static final int DEFAULT_TAYLOR_ORDER = 3;
  /** prototype-net's default prototypes per class (1: the softmax head). */
  public static final int DEFAULT_PROTOTYPES_PER_CLASS = 1;

  /** Options of the built-ins (ignored by models that do not use them). */
  public record Options(int taylorOrder, int prototypesPerClass, String sqrt, int reduceChannels) {
    public Options(int taylorOrder, int prototypesPerClass, String sqrt) {
      this(taylorOrder, prototypesPerClass, sqrt, DEFAULT_REDUCE_CHANNELS);
    }

    public static Options defaults() {
      return new Options(DEFAULT_TAYLOR_ORDER, DEFAULT_PROTOTYPES_PER_CLASS, MatrixSqrt.DEFAULT_METHOD);
    }
  }

  private Models() {}

  public static Model create(String name, Options o) {
    List<Layer> l = new ArrayList<>();
    switch (name) {
      case "cnn" -> {
        seedCnn(l);
        l.add(new Dense("head", 10, "softmax"));
      }
      case "taylor-cnn" -> taylorCnn(l, o.taylorOrder());
      case "prototype-net" -> prototypeNet(l, o.prototypesPerClass());
      case "ib-cnn" -> ibCnn(l, o.sqrt());
      case "softexp-mlp" -> {
        l.add(new Flatten("flatten"));
        l.add(new Dense("fc1", 256, "linear"));
        l.add(new SoftExponential("softexp", true, null, 1e-4, true));   // default alpha_init, alpha_l2 1e-4
        l.add(new Dense("head", 10, "softmax"));
      }
      case "ib-vgg16" -> {
        return ibVgg16(224, 1, o.sqrt(), 10, true);
      }
      case "ib-resnet50" -> {
        return ibResNet50(224, 1, o.reduceChannels(), o.sqrt(), 10, true);
      }
      default -> throw new BadInputException("unknown model \"" + name + "\"; expected one of " + NAMES);
    }
    Model.Builder b = Model.builder(name, "x", 28, 28, 1).labels(FASHION_LABELS);
    l.forEach(b::add);
    return b.build();
  }

  /** The seed's CNN up to its Dense(512) + Dropout(0.5). */
  static void seedCnn(List<Layer> l) {
    l.add(new Conv2D("conv1", 32, 3, "same", "relu"));
    l.add(new Conv2D("conv2", 32, 3, "valid", "relu"));
    l.add(new MaxPooling2D("pool", 2));
    l.add(new Dropout("drop1", 0.25));
    l.add(new Flatten("flatten"));
    l.add(new Dense("fc1", 512, "relu"));
    l.add(new Dropout("drop2", 0.5));
  }

  static void taylorCnn(List<Layer> l, int order) {
    seedCnn(l);
    l.add(new TaylorExpansion("taylor", order));
    l.add(new Activation("taylor_relu", "relu"));
    l.add(new Dense("head", 10, "softmax"));
  }

  static void prototypeNet(List<Layer> l, int k) {
    l.add(new Flatten("flatten"));
    l.add(new PrototypeKernel("prototypes", 10 * k));
    l.add(k == 1 ? new Activation("softmax", "softmax") : new Dense("head", 10, "softmax"));
  }

  /**
   * The seed's improved bilinear VGG16: ImageNet preprocessing as Keras' VGG16 expects it
   * ({@code ImagePreprocessing} "caffe"), the 13 convolutions and 4 pools of VGG16's base (Keras
   * names; relu5_3 features, as Lin and Maji, so block5_pool is left out), frozen when
   * {@code freeze}, then the improved bilinear head ({@link #bilinearHead}).
   * {@code widthDivisor} > 1 shrinks every convolution (for tests on small weight files).
   */
  public static Model ibVgg16(int size, int widthDivisor, String sqrt, int classes, boolean freeze) {
    // Keras' VGG16 weights were trained on BGR, mean-subtracted 0-255 inputs: images arrive in [0, 1].
    Model.Builder b = Model.builder("ib-vgg16", "x", size, size, 3).add(new ImagePreprocessing("preprocess", "caffe"));
    for (int i = 0; i < VGG16_CONVS.size(); i++) {
      String n = VGG16_CONVS.get(i);
      b.add(new Conv2D(n, VGG16_WIDTHS[i] / widthDivisor, 3, "same", "relu", !freeze));
      if (n.equals("block1_conv2") || n.equals("block2_conv2") || n.equals("block3_conv3") || n.equals("block4_conv3")) {
        b.add(new MaxPooling2D(n.substring(0, 6) + "_pool", 2));
      }
    }
    bilinearHead(sqrt, classes).forEach(b::add);
    return b.build();
  }

  /** {@link #bilinearHead(String, int, UnaryOperator)} with its own names. */
  public static List<Layer> bilinearHead(String sqrt, int classes) {
    return bilinearHead(sqrt, classes, UnaryOperator.identity());
  }

  /**
   * The improved bilinear head of ib-cnn, ib-vgg16 and ib-resnet50 (and of a Keras backbone's iB-CNN), to
   * apply in this order to a feature map [batch, height, width, channels]: BilinearPooling "bilinear",
   * MatrixSqrt "sqrt" ({@code sqrt} its method), SignedSqrt "signed_sqrt", Flatten "flatten", L2Normalize
   * "l2", Dense "head" of {@code classes} with softmax; {@code names} maps each of these names to the one
   * the layer gets (to keep clear of names a backbone already has).
   */
  public static List<Layer> bilinearHead(String sqrt, int classes, UnaryOperator<String> names) {
    return List.of(new BilinearPooling(names.apply("bilinear")), new MatrixSqrt(names.apply("sqrt"), sqrt),
        new SignedSqrt(names.apply("signed_sqrt")), new Flatten(names.apply("flatten")), new L2Normalize(names.apply("l2")),
        new Dense(names.apply("head"), classes, "softmax"));
  }

  /** The layers whose weights a Keras backbone file holds for this built-in (empty when it has no backbone). */
  public static List<String> backboneLayers(String model) {
    return switch (model) {
      case "ib-vgg16" -> VGG16_CONVS;
      case "ib-resnet50" -> RESNET50_WEIGHTED;
      default -> List.of();
    };
  }

  /**
   * Improved bilinear ResNet50: ImageNet preprocessing as Keras' ResNet50 expects it
   * ({@code ImagePreprocessing} "caffe"), Keras' ResNet50 base ({@link #resnet50}, frozen when
   * {@code freeze}: weights out of the optimizer, BatchNormalization on its moving statistics), a
   * trainable 1×1 Conv2D "reduce" of {@code reduceChannels} filters with relu (conv5's 2048 channels
   * would make a 2048×2048 bilinear matrix; relu keeps the pooled features non-negative, as VGG's
   * relu5_3 are), then the improved bilinear head ({@link #bilinearHead}).
   */
  public static Model ibResNet50(int size, int widthDivisor, int reduceChannels, String sqrt, int classes, boolean freeze) {
    Functional f = Model.functional("ib-resnet50");
    Node x = new ImagePreprocessing("preprocess", "caffe").on(f.input("x", size, size, 3));
    Node h = resnet50(x, widthDivisor, !freeze);
    h = new Conv2D("reduce", reduceChannels, 1, "valid", "relu").on(h);
    for (Layer l : bilinearHead(sqrt, classes)) h = l.on(h);
    return f.build(h);
  }

  /**
   * Keras' ResNet50 base ({@code keras.applications.ResNet50(include_top=False)}, ResNet v1 as in
   * keras/src/applications/resnet.py), applied to {@code x}: the same layers, names, order and math.
   * conv1_pad (3), conv1_conv 7×7/2 (64), conv1_bn, conv1_relu, pool1_pad (1), pool1_pool 3×3/2, then
   * stages conv2..conv5 of 3, 4, 6, 3 bottleneck blocks of widths 64, 128, 256, 512 (outputs 4×). A
   * stage's first block (conv3..conv5) strides by 2 on its first 1×1 convolution and on the 1×1
   * shortcut convolution {@code _0_conv} (v1; torchvision's v1.5 strides on the 3×3 instead). Every
   * convolution has a bias; BatchNormalization epsilon 1.001e-5. {@code widthDivisor} (dividing 64)
   * shrinks every width, for tests on small weight files. Returns conv5_block3_out.
   */
  public static Node resnet50(Node x, int widthDivisor, boolean trainable) {
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
    for (int s = 0; s < RESNET50_BLOCKS.length; s++) {
      for (int b = 1; b <= RESNET50_BLOCKS[s]; b++) {
        h = bottleneck(h, "conv" + (s + 2) + "_block" + b, RESNET50_FILTERS[s] / d, b == 1 && s > 0 ? 2 : 1, b == 1, trainable);
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
    return new BatchNormalization(name, RESNET_BN_EPSILON, BatchNormalization.DEFAULT_MOMENTUM, trainable);
  }

  /** ResNet50's layer names by Keras' rules (resnet.py), in Keras' model.layers order, the input left out. */
  static List<String> resnet50LayerNames() {
    List<String> out = new ArrayList<>(List.of("conv1_pad", "conv1_conv", "conv1_bn", "conv1_relu", "pool1_pad", "pool1_pool"));
    for (int s = 0; s < RESNET50_BLOCKS.length; s++) {
      for (int b = 1; b <= RESNET50_BLOCKS[s]; b++) {
        String n = "conv" + (s + 2) + "_block" + b;
        for (String p : new String[] {"_1_conv", "_1_bn", "_1_relu", "_2_conv", "_2_bn", "_2_relu"}) out.add(n + p);
        if (b == 1) out.addAll(List.of(n + "_0_conv", n + "_3_conv", n + "_0_bn", n + "_3_bn"));
        else out.addAll(List.of(n + "_3_conv", n + "_3_bn"));
        out.addAll(List.of(n + "_add", n + "_out"));
      }
    }
    return out;
  }

  static void ibCnn(List<Layer> l, String sqrt) {
    l.add(new Conv2D("conv1", 32, 3, "same", "linear"));
    l.add(new BatchNormalization("bn1", BatchNormalization.DEFAULT_EPSILON, 0.9, true));
    l.add(new Activation("relu1", "relu"));
    l.add(new MaxPooling2D("pool1", 2));
    l.add(new Conv2D("conv2", 64, 3, "same", "linear"));
    l.add(new BatchNormalization("bn2", BatchNormalization.DEFAULT_EPSILON, 0.9, true));
    l.add(new Activation("relu2", "relu"));
    l.add(new MaxPooling2D("pool2", 2));
    l.add(new Conv2D("conv3", 64, 3, "same", "linear"));
    l.add(new BatchNormalization("bn3", BatchNormalization.DEFAULT_EPSILON, 0.9, true));
    l.add(new Activation("relu3", "relu"));
    l.addAll(bilinearHead(sqrt, 10));
  }
}
