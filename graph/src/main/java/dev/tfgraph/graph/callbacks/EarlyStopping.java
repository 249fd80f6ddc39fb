package dev.tfgraph.graph.callbacks;

import dev.tfgraph.graph.train.TrainResult;

/**
 * Tracks the best validation loss and the epochs since it improved (kept in the loop state, so a
 * checkpoint and a resumed run carry them); with {@code patience} > 0 it stops the run after that
 * many epochs without improvement ("early_stopping").
 */
public final class EarlyStopping implements TrainingListener {
  private final int patience;

  public EarlyStopping(int patience) {
    this.patience = patience;
  }

  @Override
  public void onEpochEnd(Fit fit, Epoch e) {
    if (Double.isNaN(e.valLoss())) return;
    Checkpoints.State s = fit.state();
    boolean better = e.valLoss() < s.bestValLoss();
    int bad = better ? 0 : s.badEpochs() + 1;
    fit.setState(new Checkpoints.State(s.epoch(), s.step(), better ? e.valLoss() : s.bestValLoss(), bad));
    if (patience > 0 && bad >= patience) {
      fit.stop("early_stopping");   // ProgressLogger reports it
    }
  }
}
