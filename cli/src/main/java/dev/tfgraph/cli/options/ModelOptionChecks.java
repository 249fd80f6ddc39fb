package dev.tfgraph.cli.options;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.layers.bilinear.MatrixSqrt;
import java.nio.file.Path;
import java.util.Map;

/**
 * The checks of {@link ModelOptions} that name what to give instead: a model option the chosen model (or a
 * spec, or a Keras file) would ignore, weights a command would not load, an unknown --sqrt, and a frozen
 * backbone nobody loaded.
 */
final class ModelOptionChecks {
  private ModelOptionChecks() {}

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
  static void checkApplies(ModelOptions o) {
    var command = o.command;
    if (command == null || command.commandLine() == null || command.commandLine().getParseResult() == null) return;
    var parsed = command.commandLine().getParseResult();
    String name = o.name;
    Path keras = o.keras;
    for (var e : APPLIES.entrySet()) {
      if (!parsed.hasMatchedOption(e.getKey())) continue;
      if (e.getKey().equals("--freeze") && keras != null) continue;   // layer names of the Keras file: read in model()
      if (name == null || !e.getValue().contains(name)) {
        throw new BadInputException(e.getKey() + " applies to --model " + String.join(", ", e.getValue()) + " only, not to "
            + (keras != null ? "--keras" : name == null ? "--spec" : "--model " + name) + (keras != null ? ibKerasHint(name, e.getKey())
            : howTo(name, e.getValue().get(0))));
      }
    }
    boolean loads = command.name().equals("train");
    for (String w : new String[] {"--weights", "--backbone-weights"}) {
      if (!loads && parsed.hasMatchedOption(w)) throw new BadInputException(w + " is read by train only, not by " + command.name());
    }
  }

  /** What ib-keras takes instead of a built-in backbone's option. */
  private static String ibKerasHint(String name, String option) {
    if (!IbKeras.NAME.equals(name)) return "";
    return option.equals("--image-size") ? "; ib-keras takes the Keras file's input size (--input-shape NAME=H,W,C gives a size it"
        + " leaves unknown)" : option.equals("--backbone-weights") ? "; ib-keras takes its backbone's weights from the --keras file" : "";
  }

  /** How to get the effect of a built-in model's option in a model of one's own. */
  private static String howTo(String name, String builtIn) {
    return name == null
        ? "; to change it in a spec, write the built-in one out (./tfgraph spec --model " + builtIn
            + " > my.json), edit the layer's config there and train with --spec my.json"
        : "; to get its effect in " + name + ", write " + name + "'s spec out (./tfgraph spec --model " + name
            + " > my.json), add or change the layer there and train with --spec my.json, or use --model " + builtIn;
  }

  /** --sqrt names one of MatrixSqrt's methods. */
  static void checkSqrt(String sqrt) {
    if (!MatrixSqrt.METHODS.contains(sqrt)) {
      throw new BadInputException("--sqrt must be one of " + MatrixSqrt.METHODS + ", received \"" + sqrt + "\"");
    }
  }

  /**
   * A frozen backbone that nobody loaded would stay at its random initial values for the whole run: the head
   * trains on noise features and accuracy stalls near chance, without any error. Refused instead.
   */
  static BadInputException randomFrozenBackbone(String name) {
    String file = name.equals("ib-vgg16") ? "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"
        : "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5";
    String app = name.equals("ib-vgg16") ? "VGG16" : "ResNet50";
    return new BadInputException("--model " + name + " keeps its backbone frozen, and no --backbone-weights were given: it would"
        + " train on a random backbone that never learns. Give the ImageNet weights with --backbone-weights FILE.h5 (Keras'"
        + " " + file + ", or a .weights.h5 written by keras.applications." + app + "(weights=\"imagenet\", include_top=False)"
        + ".save_weights(\"" + name.substring(3) + ".weights.h5\") on a machine that can download), or train the backbone from"
        + " scratch with --no-freeze");
  }
}
