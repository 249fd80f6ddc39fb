package com.example;

import dev.tfgraph.graph.callbacks.Epoch;
import dev.tfgraph.graph.train.TrainResult;
import dev.tfgraph.graph.callbacks.Fit;
import dev.tfgraph.graph.callbacks.TrainingListener;

/**
 * A user's own listener: prints each epoch's logs and stops the run once an epoch's held-out
 * accuracy reaches a target (Keras users write this as a callback setting stop_training).
 */
public final class StopAtAccuracy implements TrainingListener {
  private final double target;
  int epochsSeen;

  public StopAtAccuracy(double target) {
    this.target = target;
  }

  @Override
  public void onEpochEnd(Fit fit, Epoch logs) {
    epochsSeen++;
    System.out.printf(java.util.Locale.ROOT, "epoch %d: loss %.4f %s, held-out %s%n", logs.epoch(), logs.trainLoss(), logs.train(), logs.val());
    if (logs.valAccuracy() >= target) fit.stop("reached accuracy " + target);
  }
}
