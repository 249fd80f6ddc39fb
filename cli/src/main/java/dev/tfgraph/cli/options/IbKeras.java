package dev.tfgraph.cli.options;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.layers.keras.KerasModel;
import dev.tfgraph.layers.keras.transfer.KerasBackbone;

/**
 * train --model ib-keras --keras FILE --cut-at NAME: the file's model cut at NAME under the improved bilinear head of
 * ib-vgg16. The backbone is frozen whole by default, trained whole with --no-freeze; --freeze NAME,... and --freeze-to
 * NAME choose the frozen layers as they do for --keras, and the rest of the backbone then trains (Keras' fine-tuning
 * recipe: {@code base.trainable = True}, then {@code layer.trainable = False} for the first layers).
 */
public final class IbKeras {
  public static final String NAME = KerasBackbone.MODEL_NAME;

  /** The model to train and the part of it whose weights come from the file. */
  public record Built(Model model, Model backbone) {}

  private IbKeras() {}

  /** Refuses --model ib-keras without --keras or --cut-at, and --cut-at without them. */
  public static void checkPairing(String command, String model, boolean keras, String cutAt) {
    boolean ib = NAME.equals(model);
    if (ib && !command.equals("train")) {
      throw new BadInputException("--model ib-keras is trained from a Keras file: train --model ib-keras --keras FILE --cut-at NAME"
          + " (not " + command + ")");
    }
    if (ib && !keras) {
      throw new BadInputException("--model ib-keras needs --keras FILE, the Keras model whose layers up to --cut-at NAME become"
          + " the backbone");
    }
    if (ib && cutAt == null) {
      throw new BadInputException("--model ib-keras needs --cut-at NAME: the layer of the Keras file whose output [batch, height,"
          + " width, channels] feeds the bilinear head (./tfgraph spec --keras FILE --summary lists the layers and their shapes)");
    }
    if (!ib && cutAt != null) {
      throw new BadInputException("--cut-at goes with --model ib-keras and --keras FILE (received "
          + (model != null ? "--model " + model : keras ? "--keras without --model ib-keras" : "no --keras") + ")");
    }
  }

  /**
   * The iB-CNN on {@code k}'s model: {@code chosen} is the file's model with the layers of --freeze/--freeze-to
   * frozen, or null when neither was given (then the backbone is frozen whole unless {@code noFreeze}).
   */
  public static Built build(KerasModel k, Model chosen, String cutAt, String sqrt, int classes, boolean noFreeze, String freezeTo) {
    if (noFreeze && freezeTo != null) {
      throw new BadInputException("give --freeze-to or --no-freeze, not both: with --freeze-to the backbone's layers after it"
          + " train, and --no-freeze trains them all");
    }
    Model backbone = KerasBackbone.cut(chosen != null ? chosen : k.model(), k.renames(), cutAt, "--cut-at");
    if (chosen != null && !freezesAny(backbone, k.model())) {
      throw new BadInputException((freezeTo != null ? "--freeze-to " + freezeTo : "--freeze") + " freezes no layer of the backbone"
          + " that --cut-at " + cutAt + " keeps (the layers it names come after the cut); without --freeze and --freeze-to the"
          + " whole backbone is frozen, with --no-freeze it all trains");
    }
    if (chosen == null && !noFreeze) backbone = KerasBackbone.frozen(backbone);
    return new Built(KerasBackbone.bilinear(backbone, sqrt, classes), backbone);
  }

  /** Whether some layer of {@code backbone} is frozen that is trainable in the file's model {@code file}. */
  private static boolean freezesAny(Model backbone, Model file) {
    for (Layer l : backbone.layers()) if (!l.trainable() && file.layer(l.name()).trainable()) return true;
    return false;
  }
}
