package dev.tfgraph.layers;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.Model;
import java.util.ArrayList;
import java.util.List;

/** The built-in models (the seed users' designs), by name, for 28×28×1 images and 10 classes. */
public final class Models {
  public static final List<String> NAMES = List.of("cnn", "taylor-cnn", "prototype-net", "ib-cnn", "softexp-mlp", "ib-vgg16");
  /** The 13 convolutions of VGG16, by their Keras names, with their widths. */
  public static final List<String> VGG16_CONVS = List.of("block1_conv1", "block1_conv2", "block2_conv1", "block2_conv2",
      "block3_conv1", "block3_conv2", "block3_conv3", "block4_conv1", "block4_conv2", "block4_conv3",
      "block5_conv1", "block5_conv2", "block5_conv3");
  private static final int[] VGG16_WIDTHS = {64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512};
  public static final List<String> FASHION_LABELS = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

  /** Options of the built-ins (ignored by models that do not use them). */
  public record Options(int taylorOrder, int prototypesPerClass, String sqrt) {
    public static Options defaults() {
      return new Options(3, 1, "svd");
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
   * {@code freeze}, then BilinearPooling, MatrixSqrt, SignedSqrt, Flatten, L2Normalize, Dense.
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
    b.add(new BilinearPooling("bilinear")).add(new MatrixSqrt("sqrt", sqrt))
        .add(new SignedSqrt("signed_sqrt")).add(new Flatten("flatten")).add(new L2Normalize("l2"))
        .add(new Dense("head", classes, "softmax"));
    return b.build();
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
    l.add(new BilinearPooling("bilinear"));
    l.add(new MatrixSqrt("sqrt", sqrt));
    l.add(new SignedSqrt("signed_sqrt"));
    l.add(new Flatten("flatten"));
    l.add(new L2Normalize("l2"));
    l.add(new Dense("head", 10, "softmax"));
  }
}
