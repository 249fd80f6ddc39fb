package dev.tfgraph.graph.callbacks;

import dev.tfgraph.graph.callbacks.LearningRateScheduler.Schedule;

/**
 * The built-in learning-rate schedules as objects (Keras' {@code LearningRateSchedule}s): each
 * gives the rate of a global step (0-based) from the steps per epoch. A user's own is any
 * {@link Schedule}, set by adding a {@link LearningRateScheduler} to the run's listeners.
 */
public final class Schedules {
  private Schedules() {}

  /**
   * @param lr the learning rate of every step
   * @return the schedule
   */
  public static Schedule constant(double lr) {
    return (step, stepsPerEpoch) -> lr;
  }

  /**
   * lr · gamma^⌊epoch / everyEpochs⌋, epoch = ⌊step / steps per epoch⌋.
   * @param lr the rate of the first epochs
   * @param gamma the factor applied every everyEpochs epochs, e.g. 0.1
   * @param everyEpochs the epochs between two decays, at least 1
   * @return the schedule
   */
  public static Schedule step(double lr, double gamma, int everyEpochs) {
    return (step, stepsPerEpoch) -> lr * Math.pow(gamma, (int) (step / Math.max(1, stepsPerEpoch)) / everyEpochs);
  }

  /**
   * lr · ½(1 + cos(π · progress)), progress = step / (epochs · steps per epoch) up to 1: to 0 at the end of
   * {@code epochs}.
   * @param lr the rate at step 0
   * @param epochs the epochs over which the rate falls to 0
   * @return the schedule
   */
  public static Schedule cosine(double lr, int epochs) {
    return (step, stepsPerEpoch) -> {
      long steps = (long) epochs * stepsPerEpoch;
      double progress = steps <= 0 ? 0 : Math.min(1, (double) step / steps);
      return lr * 0.5 * (1 + Math.cos(Math.PI * progress));
    };
  }

  /**
   * A linear ramp lr · (step + 1) / warm-up steps over the first {@code warmupEpochs}, then
   * {@code after}, its steps counted from the end of the ramp.
   * @param lr the rate the ramp reaches
   * @param warmupEpochs the ramp's epochs (0: none)
   * @param after the schedule from the end of the ramp
   * @return the schedule
   */
  public static Schedule warmup(double lr, int warmupEpochs, Schedule after) {
    return (step, stepsPerEpoch) -> {
      long warm = (long) warmupEpochs * stepsPerEpoch;
      return step < warm ? lr * (step + 1) / warm : after.at(step - warm, stepsPerEpoch);
    };
  }
}
