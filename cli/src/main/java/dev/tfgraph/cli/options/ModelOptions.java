package dev.tfgraph.cli.options;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.io.Npz;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.layers.bilinear.MatrixSqrt;
import dev.tfgraph.layers.models.Models;
import dev.tfgraph.layers.models.ResNet50;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** A built-in model by name (with its options) or a spec file, and optional weights. */
public final class ModelOptions {
  @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
  public picocli.CommandLine.Model.CommandSpec command;

  /** Which built-in models each model option applies to (an option given for another model, or with --spec, is an error). */
  private static final Map<String, java.util.List<String>> APPLIES = Map.of(
      "--sqrt", java.util.List.of("ib-cnn", "ib-vgg16", "ib-resnet50", IbKeras.NAME),
      "--taylor-order", java.util.List.of("taylor-cnn"),
      "--prototypes-per-class", java.util.List.of("prototype-net"),
      "--backbone-weights", java.util.List.of("ib-vgg16", "ib-resnet50"),
      "--freeze", java.util.List.of("ib-vgg16", "ib-resnet50", IbKeras.NAME),
      "--no-freeze", java.util.List.of("ib-vgg16", "ib-resnet50", IbKeras.NAME),
      "--image-size", java.util.List.of("ib-vgg16", "ib-resnet50"),
      "--classes", java.util.List.of("ib-vgg16", "ib-resnet50", IbKeras.NAME),
      "--reduce-channels", java.util.List.of("ib-resnet50"));

  /** Refuses a model option that the chosen model (or a --spec) would ignore, and weights a command would not load. */
  private void checkApplies() {
    if (command == null || command.commandLine() == null || command.commandLine().getParseResult() == null) return;
    var parsed = command.commandLine().getParseResult();
    for (var e : APPLIES.entrySet()) {
      if (!parsed.hasMatchedOption(e.getKey())) continue;
      if (e.getKey().equals("--freeze") && keras != null) continue;   // layer names of the Keras file: read in model()
      if (name == null || !e.getValue().contains(name)) {
        throw new BadInputException(e.getKey() + " applies to --model " + String.join(", ", e.getValue()) + " only, not to "
            + (keras != null ? "--keras" : name == null ? "--spec" : "--model " + name) + (keras != null ? ibKerasHint(e.getKey())
            : howTo(e.getValue().get(0))));
      }
    }
    boolean loads = command.name().equals("train");
    for (String w : new String[] {"--weights", "--backbone-weights"}) {
      if (!loads && parsed.hasMatchedOption(w)) throw new BadInputException(w + " is read by train only, not by " + command.name());
    }
  }
  /** What ib-keras takes instead of a built-in backbone's option. */
  private String ibKerasHint(String option) {
    if (!IbKeras.NAME.equals(name)) return "";
    return option.equals("--image-size") ? "; ib-keras takes the Keras file's input size (--input-shape NAME=H,W,C gives a size it"
        + " leaves unknown)" : option.equals("--backbone-weights") ? "; ib-keras takes its backbone's weights from the --keras file" : "";
  }

  /** How to get the effect of a built-in model's option in a model of one's own. */
  private String howTo(String builtIn) {
    return name == null
        ? "; to change it in a spec, write the built-in one out (./tfgraph spec --model " + builtIn
            + " > my.json), edit the layer's config there and train with --spec my.json"
        : "; to get its effect in " + name + ", write " + name + "'s spec out (./tfgraph spec --model " + name
            + " > my.json), add or change the layer there and train with --spec my.json, or use --model " + builtIn;
  }

  @Option(names = "--model", paramLabel = "NAME", description = "built-in model: ${COMPLETION-CANDIDATES}; train also takes ib-keras"
      + " (with --keras FILE --cut-at NAME: the improved bilinear head on a Keras model's layers)",
      completionCandidates = Names.class)
  public String name;

  @Option(names = "--spec", paramLabel = "FILE", description = "a model spec (JSON); ./tfgraph spec --model NAME prints a built-in one to start from")
  public Path spec;

  @Option(names = "--weights", paramLabel = "FILE.npz", description = "initial weights, an .npz keyed <layer>.<weight>")
  public Path weights;

  @Option(names = "--sqrt", paramLabel = "METHOD", description = "ib-cnn, ib-vgg16, ib-resnet50, ib-keras: the matrix square root of bilinear pooling: svd, eigh, newton_schulz (default ${DEFAULT-VALUE})")
  public String sqrt = dev.tfgraph.layers.bilinear.MatrixSqrt.DEFAULT_METHOD;

  @Option(names = "--taylor-order", paramLabel = "P", converter = Ranges.TaylorOrder.class, description = "taylor-cnn's expansion order, in [0, 10] (default ${DEFAULT-VALUE})")
  public int taylorOrder = Models.DEFAULT_TAYLOR_ORDER;

  @Option(names = "--prototypes-per-class", paramLabel = "K", converter = Ranges.PrototypesPerClass.class, description = "prototype-net's rows per class, in [1, 1000] (default ${DEFAULT-VALUE}: softmax head; > 1: Dense head)")
  public int prototypesPerClass = Models.DEFAULT_PROTOTYPES_PER_CLASS;

  @Option(names = "--backbone-weights", paramLabel = "FILE.h5", description = "ib-vgg16, ib-resnet50: Keras weights of the backbone, "
      + "Keras 2 or Keras 3 (.weights.h5) layout (e.g. vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5, "
      + "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5)")
  public Path backboneWeights;

  @Option(names = "--freeze", arity = "0..1", paramLabel = "NAME[,NAME...]", fallbackValue = "",
      description = "ib-vgg16, ib-resnet50, ib-keras: keep the backbone out of the optimizer, and its BatchNormalization on its "
          + "moving statistics (the default; --no-freeze trains it); with --keras: these layers, comma-separated (a nested "
          + "model's name: all its layers), as Keras' trainable=False (with ib-keras: the rest of the backbone trains)")
  public String freezeNames;

  @Option(names = "--no-freeze", description = "ib-vgg16, ib-resnet50, ib-keras: train the backbone too (from --backbone-weights or the"
      + " --keras file, or from scratch)")
  public boolean noFreeze;

  /** Whether a built-in backbone stays frozen: unless --no-freeze. */
  private boolean freeze = true;

  @Option(names = "--image-size", converter = Ranges.ImageSize.class, description = "ib-vgg16, ib-resnet50 input size, in [32, 2048] (default ${DEFAULT-VALUE})") int imageSize = 224;

  @Option(names = "--classes", converter = Ranges.Classes.class, description = "ib-vgg16, ib-resnet50, ib-keras classes, in [1, 100000] (default ${DEFAULT-VALUE})") int classes = 10;

  @Option(names = "--reduce-channels", paramLabel = "N", converter = ReduceChannels.class,
      description = "ib-resnet50: filters of the 1x1 convolution that reduces conv5's 2048 channels before bilinear pooling "
          + "(a C x C matrix per image), in [1, 2048] (default ${DEFAULT-VALUE})")
  public int reduceChannels = Models.DEFAULT_REDUCE_CHANNELS;

  public static final class ReduceChannels extends Ranges.Ints {
    ReduceChannels() {
      super(1, 2048);
    }
  }

  public static final class Names extends java.util.ArrayList<String> {
    Names() {
      super(Models.NAMES);
    }
  }

  /** The Keras file of a command that reads one (train --keras), set before {@link #model()}; null otherwise. */
  public Path keras;
  /** --input-shape of train --keras: sizes the file leaves unknown, by Keras input name. */
  public java.util.Map<String, long[]> kerasInputShapes = java.util.Map.of();
  /** The file's model and weights once {@link #model()} read them. */
  private dev.tfgraph.layers.keras.KerasModel kerasModel;
  /** Keras layer names to freeze (--freeze NAME,...) and the last layer of the file's order to freeze (--freeze-to). */
  public java.util.List<String> kerasFreeze;
  public String kerasFreezeTo;
  /** --preprocess of train --keras. */
  public String kerasPreprocess;
  /** --cut-at of train --model ib-keras --keras FILE, and what it built. */
  public String kerasCutAt;
  private IbKeras.Built ibKeras;

  public Model model() {
    if (freezeNames != null && noFreeze) throw new BadInputException("give --freeze or --no-freeze, not both");
    IbKeras.checkPairing(command == null ? "train" : command.name(), name, keras != null, kerasCutAt);
    boolean ib = IbKeras.NAME.equals(name);
    freeze = !noFreeze;
    if (freezeNames != null && !freezeNames.isBlank()) {
      if (keras == null) {
        throw new BadInputException("--freeze " + freezeNames + ": layer names go with --keras; a spec's layers are frozen by"
            + " \"trainable\": false in the spec, a built-in backbone by --freeze alone");
      }
      kerasFreeze = java.util.Arrays.stream(freezeNames.split(",")).map(String::strip).filter(n -> !n.isEmpty()).toList();
    } else if (freezeNames != null && keras != null && !ib) {
      throw new BadInputException("--freeze with --keras takes the layers to freeze: --freeze NAME[,NAME...] (or --freeze-to NAME)");
    }
    if (keras != null) {
      if ((name != null && !ib) || spec != null || weights != null) {
        throw new BadInputException("give either --keras FILE (which holds the weights) or --model NAME / --spec FILE with --weights FILE.npz, not both");
      }
      checkApplies();
      dev.tfgraph.layers.keras.transfer.KerasTraining.checkTrainable(keras);
      kerasModel = dev.tfgraph.layers.keras.KerasModel.load(keras, kerasInputShapes);
      for (var r : kerasModel.renames()) System.err.println("tfgraph: renamed " + r);
      Model m = kerasModel.model();
      java.util.List<String> frozen = new java.util.ArrayList<>();
      if (kerasFreeze != null) frozen.addAll(kerasFreeze);
      if (kerasFreezeTo != null) {
        var order = dev.tfgraph.layers.keras.transfer.KerasTraining.layerOrder(keras);
        int i = order.indexOf(kerasFreezeTo);
        if (i < 0) {
          throw new BadInputException("freeze_to: no top-level layer named " + kerasFreezeTo + " in " + keras + "; its layers in order: "
              + String.join(", ", order));
        }
        frozen.addAll(order.subList(0, i + 1));
      }
      if (!frozen.isEmpty()) {
        m = dev.tfgraph.layers.keras.transfer.KerasTraining.freeze(kerasModel, keras, frozen, kerasFreeze != null ? "--freeze" : "--freeze-to");
      }
      if (ib) {
        checkSqrt();
        ibKeras = IbKeras.build(kerasModel, frozen.isEmpty() ? null : m, kerasCutAt, sqrt, classes, noFreeze, kerasFreezeTo);
        m = ibKeras.model();
      }
      return kerasPreprocess == null ? m : dev.tfgraph.layers.keras.transfer.KerasPreprocessing.preprocess(m, kerasPreprocess, "--preprocess");
    }
    if (kerasFreeze != null || kerasFreezeTo != null || kerasPreprocess != null) {
      throw new BadInputException((kerasFreezeTo != null ? "--freeze-to" : "--preprocess") + " applies to --keras only (a spec's layers are"
          + " frozen by \"trainable\": false in the spec; built-in backbones by --freeze)");
    }
    if ((name == null) == (spec == null)) throw new BadInputException("give exactly one of --model NAME or --spec FILE");
    checkApplies();
    if (spec != null) return Model.load(spec);
    checkSqrt();
    if (name.equals("ib-vgg16")) return Models.ibVgg16(imageSize, 1, sqrt, classes, freeze);
    if (name.equals("ib-resnet50")) return Models.ibResNet50(imageSize, 1, reduceChannels, sqrt, classes, freeze);
    return Models.create(name, new Models.Options(taylorOrder, prototypesPerClass, sqrt));
  }

  private void checkSqrt() {
    if (!MatrixSqrt.METHODS.contains(sqrt)) {
      throw new BadInputException("--sqrt must be one of " + MatrixSqrt.METHODS + ", received \"" + sqrt + "\"");
    }
  }

  /** Initial weights: --weights, or fresh values with the Keras backbone imported; null for fresh. */
  public Map<String, NpyArray> initialWeights(Model m, long seed) {
    if (weights != null) return Npz.read(weights);
    if (ibKeras != null) return dev.tfgraph.layers.keras.transfer.KerasBackbone.weights(m, ibKeras.backbone(), kerasModel.weights(), seed);
    if (kerasModel != null) return kerasModel.weights();
    if (backboneWeights == null) {
      if (freeze && !Models.backboneLayers(name == null ? "" : name).isEmpty()) throw randomFrozenBackbone();
      return null;
    }
    Map<String, NpyArray> w = new java.util.LinkedHashMap<>(dev.tfgraph.graph.runtime.ModelRuntime.initialValues(m, seed));
    w.putAll(dev.tfgraph.layers.h5.KerasH5.read(backboneWeights, m, Models.backboneLayers(name)));
    return w;
  }

  /**
   * A frozen backbone that nobody loaded would stay at its random initial values for the whole run: the head
   * trains on noise features and accuracy stalls near chance, without any error. Refused instead.
   */
  private BadInputException randomFrozenBackbone() {
    String file = name.equals("ib-vgg16") ? "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"
        : "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5";
    String app = name.equals("ib-vgg16") ? "VGG16" : "ResNet50";
    return new BadInputException("--model " + name + " keeps its backbone frozen, and no --backbone-weights were given: it would"
        + " train on a random backbone that never learns. Give the ImageNet weights with --backbone-weights FILE.h5 (Keras'"
        + " " + file + ", or a .weights.h5 written by keras.applications." + app + "(weights=\"imagenet\", include_top=False)"
        + ".save_weights(\"" + name.substring(3) + ".weights.h5\") on a machine that can download), or train the backbone from"
        + " scratch with --no-freeze");
  }

  public String label() {
    return name != null ? name : keras != null ? keras.getFileName().toString() : spec.getFileName().toString();
  }

}
