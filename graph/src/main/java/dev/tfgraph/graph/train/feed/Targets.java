package dev.tfgraph.graph.train.feed;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Loss;
import dev.tfgraph.graph.Shapes;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.data.Dataset;
import java.util.Arrays;

/**
 * What a loss takes from the data, checked before training: integer labels in [0, classes) for a
 * sparse loss; float targets of the output's example shape otherwise (targets [n] feed an output
 * [batch, 1]), in [0, 1] for binary cross-entropy.
 */
public final class Targets {
  private Targets() {}

  /**
   * The targets to train on (null for labels), after the checks.
   *
   * @param model the model trained
   * @param loss the loss, which tells labels from targets
   * @param d the data
   * @param what the data's role, for messages
   * @return the float targets, or null for integer labels
   * @throws BadInputException when the data has labels where the loss takes targets (or the
   *     reverse), a label is outside [0, classes), or the targets' shape or range does not fit
   */
  public static Dataset.Input check(Model model, Loss loss, Dataset d, String what) {
    if (loss.sparse()) {
      if (d.y() == null) {
        throw new BadInputException(what + ": loss " + loss.name() + " takes integer class labels [n], received float targets of shape "
            + Arrays.toString(d.targets().shape()) + " per example");
      }
      int classes = model.numOutputs();
      for (int i = 0; i < d.y().length; i++) {
        if (d.y()[i] < 0 || d.y()[i] >= classes) {
          throw new BadInputException(what + ": label " + d.y()[i] + " of example " + i + " is outside [0, " + classes + ")");
        }
      }
      return null;
    }
    if (d.targets() == null) {
      throw new BadInputException(what + ": loss " + loss.name() + " takes float targets of the output's shape "
          + Shapes.show(model.outputShape()) + ", received integer labels");
    }
    long[] want = Shapes.dims(model.outputShape());
    long[] got = d.targets().shape();
    if (got.length == 0 && want.length == 1 && want[0] == 1) got = new long[] {1};
    if (!Arrays.equals(want, got)) {
      throw new BadInputException(what + ": targets have shape " + Arrays.toString(got) + " per example, expected "
          + Arrays.toString(want) + " (the model's output " + Shapes.show(model.outputShape()) + ", loss " + loss.name() + ")");
    }
    float[] t = d.targets().x();
    boolean binary = "sigmoid".equals(loss.logitsOf());
    for (int i = 0; i < t.length; i++) {
      if (!Float.isFinite(t[i]) || (binary && (t[i] < 0 || t[i] > 1))) {
        throw new BadInputException(what + ": target " + t[i] + " at index " + i + " is " + (binary ? "outside [0, 1] (binary_crossentropy)" : "not finite"));
      }
    }
    return new Dataset.Input("targets", t, got);
  }
}
