package dev.tfgraph.cli.options;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.io.Npz;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.layers.models.Models;
import dev.tfgraph.layers.models.ResNet50;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * A built-in model by name (with its options) or a spec file, and optional weights. {@link ModelOptionChecks}
 * refuses an option the chosen model would ignore.
 */
public final class ModelOptions {
  @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
  public picocli.CommandLine.Model.CommandSpec command;

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

  public static final class ReduceChannels extends NumberConverters.Ints {
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
      ModelOptionChecks.checkApplies(this);
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
        ModelOptionChecks.checkSqrt(sqrt);
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
    ModelOptionChecks.checkApplies(this);
    if (spec != null) return Model.load(spec);
    ModelOptionChecks.checkSqrt(sqrt);
    if (name.equals("ib-vgg16")) return Models.ibVgg16(imageSize, 1, sqrt, classes, freeze);
    if (name.equals("ib-resnet50")) return Models.ibResNet50(imageSize, 1, reduceChannels, sqrt, classes, freeze);
    return Models.create(name, new Models.Options(taylorOrder, prototypesPerClass, sqrt));
  }

  /** Initial weights: --weights, or fresh values with the Keras backbone imported; null for fresh. */
  public Map<String, NpyArray> initialWeights(Model m, long seed) {
    if (weights != null) return Npz.read(weights);
    if (ibKeras != null) return dev.tfgraph.layers.keras.transfer.KerasBackbone.weights(m, ibKeras.backbone(), kerasModel.weights(), seed);
    if (kerasModel != null) return kerasModel.weights();
    if (backboneWeights == null) {
      if (freeze && !Models.backboneLayers(name == null ? "" : name).isEmpty()) throw ModelOptionChecks.randomFrozenBackbone(name);
      return null;
    }
    Map<String, NpyArray> w = new java.util.LinkedHashMap<>(dev.tfgraph.graph.runtime.ModelRuntime.initialValues(m, seed));
    w.putAll(dev.tfgraph.layers.h5.KerasH5.read(backboneWeights, m, Models.backboneLayers(name)));
    return w;
  }

  public String label() {
    return name != null ? name : keras != null ? keras.getFileName().toString() : spec.getFileName().toString();
  }

}
