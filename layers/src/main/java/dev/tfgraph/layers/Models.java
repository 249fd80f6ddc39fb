package dev.tfgraph.layers;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.Model;
import java.util.ArrayList;
import java.util.List;

/** The built-in models (the seed users' designs), by name, for 28×28×1 images and 10 classes. */
public final class Models {
  public static final List<String> NAMES = List.of("cnn", "taylor-cnn", "prototype-net", "ib-cnn", "softexp-mlp");
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
        l.add(new SoftExponential("softexp", true, null, 1e-4, true));
        l.add(new Dense("head", 10, "softmax"));
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

  static void ibCnn(List<Layer> l, String sqrt) {
    l.add(new Conv2D("conv1", 32, 3, "same", "linear"));
    l.add(new BatchNormalization("bn1", 1e-3, 0.9, true));
    l.add(new Activation("relu1", "relu"));
    l.add(new MaxPooling2D("pool1", 2));
    l.add(new Conv2D("conv2", 64, 3, "same", "linear"));
    l.add(new BatchNormalization("bn2", 1e-3, 0.9, true));
    l.add(new Activation("relu2", "relu"));
    l.add(new MaxPooling2D("pool2", 2));
    l.add(new Conv2D("conv3", 64, 3, "same", "linear"));
    l.add(new BatchNormalization("bn3", 1e-3, 0.9, true));
    l.add(new Activation("relu3", "relu"));
    l.add(new BilinearPooling("bilinear", 1e-5, true));
    l.add(new MatrixSqrt("sqrt", sqrt, 5, 1e-10, true));
    l.add(new SignedSqrt("signed_sqrt"));
    l.add(new Flatten("flatten"));
    l.add(new L2Normalize("l2"));
    l.add(new Dense("head", 10, "softmax"));
  }
}
