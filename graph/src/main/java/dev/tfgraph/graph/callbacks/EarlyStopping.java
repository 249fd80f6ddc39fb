package dev.tfgraph.graph.callbacks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tfgraph.graph.BadInputException;

/**
 * Tracks the best validation loss and the epochs since it improved; with {@code patience} > 0 it
 * stops the run after that many epochs without improvement ("early_stopping"). Its two counters are
 * its checkpoint state ({@value #KEY}), so that a resumed run stops where an uninterrupted one
 * would, and a run resumed after its patience ran out trains no further.
 */
public final class EarlyStopping implements TrainingListener, Stateful {
  /** The key of its state in the checkpoint index. */
  public static final String KEY = "early_stopping";
  private final int patience;
  private double bestValLoss = Double.POSITIVE_INFINITY;
  private int badEpochs;

  /** @param patience the epochs without a better validation loss after which the run stops; 0 never stops it */
  public EarlyStopping(int patience) {
    this.patience = patience;
  }

  /**
   * The best validation loss so far (infinity before the first).
   * @return the loss
   */
  public double bestValLoss() {
    return bestValLoss;
  }

  /**
   * Epochs since the validation loss last improved.
   * @return the count
   */
  public int badEpochs() {
    return badEpochs;
  }

  @Override
  public void onFitStart(Fit fit) {
    if (fit.resumed() && patience > 0 && badEpochs >= patience) fit.stop("early_stopping");
  }

  @Override
  public void onEpochEnd(Fit fit, Epoch e) {
    if (Double.isNaN(e.valLoss())) return;
    boolean better = e.valLoss() < bestValLoss;
    badEpochs = better ? 0 : badEpochs + 1;
    if (better) bestValLoss = e.valLoss();
    if (patience > 0 && badEpochs >= patience) {
      fit.stop("early_stopping");   // ProgressLogger reports it
    }
  }

  @Override
  public String stateKey() {
    return KEY;
  }

  /** {"best_val_loss": ..., "bad_epochs": ...}; an infinite best (no validation yet) is written as 1e300. */
  @Override
  public JsonNode state() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("best_val_loss", Double.isFinite(bestValLoss) ? bestValLoss : 1e300);
    n.put("bad_epochs", badEpochs);
    return n;
  }

  @Override
  public void restore(JsonNode state) {
    if (state == null) return;
    JsonNode bad = state.get("bad_epochs"), best = state.get("best_val_loss");
    if (bad == null || !bad.isIntegralNumber() || !bad.canConvertToInt() || bad.asInt() < 0) {
      throw new BadInputException("checkpoint state " + KEY + ": bad_epochs " + bad + ", expected a whole number >= 0");
    }
    if (best == null || !(best.isNumber() || best.isTextual() && best.asText().matches("-?Infinity|NaN"))) {
      throw new BadInputException("checkpoint state " + KEY + ": best_val_loss " + best + ", expected a number");
    }
    badEpochs = bad.asInt();
    bestValLoss = best.asDouble();
  }
}
