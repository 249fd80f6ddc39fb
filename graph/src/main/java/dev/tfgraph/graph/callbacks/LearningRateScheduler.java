package dev.tfgraph.graph.callbacks;

/**
 * Sets each step's learning rate from the global step (0-based) and the steps per epoch, as
 * Keras' LearningRateScheduler does per epoch; the default is the options' warm-up and schedule
 * ({@code TrainOptions.learningRateAt}). A later scheduler in the listener list overrides an
 * earlier one.
 */
public final class LearningRateScheduler implements TrainingListener {
  /** The rate of a step. */
  @FunctionalInterface
  public interface Schedule {
    /**
     * @param step the global step, 0-based, counted across epochs and resumes
     * @param stepsPerEpoch the training steps of one epoch
     * @return the learning rate, finite and &ge; 0
     */
    double at(long step, int stepsPerEpoch);
  }

  private final Schedule schedule;

  /**
   * @param schedule the rate of each step; a rate that is not finite or below 0 ends the run with a
   *     BadInputException
   */
  public LearningRateScheduler(Schedule schedule) {
    this.schedule = schedule;
  }

  @Override
  public void onBatchStart(Fit fit, int batch, long step) {
    double lr = schedule.at(step, fit.stepsPerEpoch());
    if (!(lr >= 0) || Double.isInfinite(lr)) {
      throw new dev.tfgraph.graph.BadInputException("learning-rate schedule: expected a finite rate >= 0 at step " + (step + 1)
          + ", received " + lr);
    }
    fit.setLearningRate(lr);
  }
}
