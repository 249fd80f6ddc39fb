package dev.tfgraph.layers.models;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.Node;
import dev.tfgraph.graph.model.Functional;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.layers.bilinear.BilinearPooling;
import dev.tfgraph.layers.bilinear.L2Normalize;
import dev.tfgraph.layers.bilinear.MatrixSqrt;
import dev.tfgraph.layers.bilinear.SignedSqrt;
import dev.tfgraph.layers.convolutional.Conv2D;
import dev.tfgraph.layers.core.Activation;
import dev.tfgraph.layers.core.Dense;
import dev.tfgraph.layers.core.Dropout;
import dev.tfgraph.layers.normalization.BatchNormalization;
import dev.tfgraph.layers.pooling.MaxPooling2D;
import dev.tfgraph.layers.preprocessing.ImagePreprocessing;
import dev.tfgraph.layers.prototype.PrototypeKernel;
import dev.tfgraph.layers.reshaping.Flatten;
import dev.tfgraph.layers.softexp.SoftExponential;
import dev.tfgraph.layers.taylor.TaylorExpansion;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The built-in models (the seed users' designs), by name, each with 10 classes: cnn, taylor-cnn,
 * prototype-net, ib-cnn and softexp-mlp take 28×28×1 images (Fashion-MNIST), ib-vgg16 and
 * ib-resnet50 224×224×3 images (ImageNet preprocessing in the graph, backbone weights from Keras).
 * docs/models-and-parity.md lists them with their layers.
 */
public final class Models {
  /** The built-in models' names, as {@link #create} takes them. */
  public static final List<String> NAMES = List.of("cnn", "taylor-cnn", "prototype-net", "ib-cnn", "softexp-mlp", "ib-vgg16",
      "ib-resnet50");
  /** The 13 convolutions of VGG16, by their Keras names, with their widths. */
  public static final List<String> VGG16_CONVS = List.of("block1_conv1", "block1_conv2", "block2_conv1", "block2_conv2",
      "block3_conv1", "block3_conv2", "block3_conv3", "block4_conv1", "block4_conv2", "block4_conv3",
      "block5_conv1", "block5_conv2", "block5_conv3");
  private static final int[] VGG16_WIDTHS = {64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512};
  /** Fashion-MNIST's 10 class names, in label order: the labels of the 28×28 built-ins. */
  public static final List<String> FASHION_LABELS = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

  /** ib-resnet50's default width of the 1×1 convolution that reduces conv5's 2048 channels before bilinear pooling. */
  public static final int DEFAULT_REDUCE_CHANNELS = 256;

  /** taylor-cnn's default expansion order. */
  public static final int DEFAULT_TAYLOR_ORDER = 3;
  /** prototype-net's default prototypes per class (1: the softmax head). */
  public static final int DEFAULT_PROTOTYPES_PER_CLASS = 1;

  /**
   * Options of the built-ins (ignored by models that do not use them).
   *
   * @param taylorOrder taylor-cnn's expansion order
   * @param prototypesPerClass prototype-net's prototypes per class (1: softmax over the prototypes;
   *     more: a Dense head over them)
   * @param sqrt the MatrixSqrt method of the bilinear models: svd, eigh or newton_schulz
   * @param reduceChannels ib-resnet50's channels after its 1×1 reduction before bilinear pooling
   */
  public record Options(int taylorOrder, int prototypesPerClass, String sqrt, int reduceChannels) {
    /**
     * Options with the default reduceChannels ({@value Models#DEFAULT_REDUCE_CHANNELS}).
     *
     * @param taylorOrder taylor-cnn's expansion order
     * @param prototypesPerClass prototype-net's prototypes per class
     * @param sqrt the MatrixSqrt method of the bilinear models
     */
    public Options(int taylorOrder, int prototypesPerClass, String sqrt) {
      this(taylorOrder, prototypesPerClass, sqrt, DEFAULT_REDUCE_CHANNELS);
    }

    /**
     * Every option at its default: order 3, 1 prototype per class, svd, 256 channels.
     *
     * @return the default options
     */
    public static Options defaults() {
      return new Options(DEFAULT_TAYLOR_ORDER, DEFAULT_PROTOTYPES_PER_CLASS, MatrixSqrt.DEFAULT_METHOD);
    }
  }

  private Models() {}

  /**
   * Builds a built-in model: its layers and shapes, not its weights (those come from training or
   * a file). The bilinear models with a backbone (ib-vgg16, ib-resnet50) are built at 224×224 with
   * their backbone frozen.
   *
   * @param name one of {@link #NAMES}
   * @param o the options; each model reads only those it uses
   * @return the model
   * @throws dev.tfgraph.graph.BadInputException when the name is unknown or an option is out of
   *     its layer's range
   */
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
   * {@code widthDivisor} &gt; 1 shrinks every convolution (for tests on small weight files).
   *
   * @param size the input's height and width in pixels (224 for Keras' weights); input [size, size, 3]
   * @param widthDivisor 1 for the real network; more divides every convolution's width
   * @param sqrt the MatrixSqrt method: svd, eigh or newton_schulz
   * @param classes the number of classes of the softmax head
   * @param freeze true keeps the convolutions out of the optimizer (only the head trains)
   * @return the model, output [batch, classes]
   * @throws dev.tfgraph.graph.BadInputException when an argument is out of its layer's range
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

  /**
   * {@link #bilinearHead(String, int, UnaryOperator)} with its own names.
   *
   * @param sqrt the MatrixSqrt method: svd, eigh or newton_schulz
   * @param classes the number of classes of the softmax head
   * @return the six layers, in order
   * @throws dev.tfgraph.graph.BadInputException when the method is unknown or classes is not positive
   */
  public static List<Layer> bilinearHead(String sqrt, int classes) {
    return bilinearHead(sqrt, classes, UnaryOperator.identity());
  }

  /**
   * The improved bilinear head of ib-cnn, ib-vgg16 and ib-resnet50 (and of a Keras backbone's iB-CNN), to
   * apply in this order to a feature map [batch, height, width, channels]: BilinearPooling "bilinear",
   * MatrixSqrt "sqrt" ({@code sqrt} its method), SignedSqrt "signed_sqrt", Flatten "flatten", L2Normalize
   * "l2", Dense "head" of {@code classes} with softmax; {@code names} maps each of these names to the one
   * the layer gets (to keep clear of names a backbone already has).
   *
   * @param sqrt the MatrixSqrt method: svd, eigh or newton_schulz
   * @param classes the number of classes of the softmax head
   * @param names maps each default layer name to the name to use
   * @return the six layers, in order; output [batch, classes]
   * @throws dev.tfgraph.graph.BadInputException when the method is unknown or classes is not positive
   */
  public static List<Layer> bilinearHead(String sqrt, int classes, UnaryOperator<String> names) {
    return List.of(new BilinearPooling(names.apply("bilinear")), new MatrixSqrt(names.apply("sqrt"), sqrt),
        new SignedSqrt(names.apply("signed_sqrt")), new Flatten(names.apply("flatten")), new L2Normalize(names.apply("l2")),
        new Dense(names.apply("head"), classes, "softmax"));
  }

  /**
   * The layers whose weights a Keras backbone file holds for this built-in.
   *
   * @param model a built-in model's name
   * @return the backbone's layer names (Keras names), empty when the model has no backbone
   */
  public static List<String> backboneLayers(String model) {
    return switch (model) {
      case "ib-vgg16" -> VGG16_CONVS;
      case "ib-resnet50" -> ResNet50.WEIGHTED;
      default -> List.of();
    };
  }

  /**
   * Improved bilinear ResNet50: ImageNet preprocessing as Keras' ResNet50 expects it
   * ({@code ImagePreprocessing} "caffe"), Keras' ResNet50 base ({@link ResNet50#base}, frozen when
   * {@code freeze}: weights out of the optimizer, BatchNormalization on its moving statistics), a
   * trainable 1×1 Conv2D "reduce" of {@code reduceChannels} filters with relu (conv5's 2048 channels
   * would make a 2048×2048 bilinear matrix; relu keeps the pooled features non-negative, as VGG's
   * relu5_3 are), then the improved bilinear head ({@link #bilinearHead}).
   *
   * @param size the input's height and width in pixels (224 for Keras' weights); input [size, size, 3]
   * @param widthDivisor 1 for the real network; a divisor of 64 shrinks every width by it
   * @param reduceChannels filters of the 1×1 "reduce" convolution
   * @param sqrt the MatrixSqrt method: svd, eigh or newton_schulz
   * @param classes the number of classes of the softmax head
   * @param freeze true freezes the ResNet50 base
   * @return the model, output [batch, classes]
   * @throws dev.tfgraph.graph.BadInputException when an argument is out of its layer's range
   */
  public static Model ibResNet50(int size, int widthDivisor, int reduceChannels, String sqrt, int classes, boolean freeze) {
    Functional f = Model.functional("ib-resnet50");
    Node x = new ImagePreprocessing("preprocess", "caffe").on(f.input("x", size, size, 3));
    Node h = ResNet50.base(x, widthDivisor, !freeze);
    h = new Conv2D("reduce", reduceChannels, 1, "valid", "relu").on(h);
    for (Layer l : bilinearHead(sqrt, classes)) h = l.on(h);
    return f.build(h);
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
