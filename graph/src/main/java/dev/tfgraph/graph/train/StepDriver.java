package dev.tfgraph.graph.train;

import org.tensorflow.Session;
import org.tensorflow.Tensor;

/**
 * A {@link Trainer}'s training step driven one call at a time, outside {@code fit}: what {@code bench} times against a
 * bare {@code Session.run} of the same step, and what tests use to look at single steps. It shares the trainer's graph,
 * session and optimizer.
 */
public final class StepDriver {
  private final Trainer t;

  StepDriver(Trainer t) {
    this.t = t;
  }

  /**
   * One training step in one process; returns {loss, accuracy} of the batch (for benchmarks; fit runs its own).
   *
   * @param x the batch of the model's only input, [batch, ...] in the model's dtype
   * @param y the targets: int32 labels [batch], or floats of the output's shape
   * @param step the global step, from 0 (seeds dropout and random layers)
   * @param lr the learning rate of this step
   * @return the batch's loss, then each metric's batch mean in the run's order
   */
  public double[] runStep(Tensor x, Tensor y, long step, double lr) {
    return runStep(new Tensor[] {x}, y, step, lr);
  }

  /**
   * As {@link #runStep(Tensor, Tensor, long, double)} with one tensor per model input, in its order.
   *
   * @param xs one batch tensor per model input, [batch, ...] in the model's dtype
   * @param y the targets: int32 labels [batch], or floats of the output's shape
   * @param step the global step, from 0
   * @param lr the learning rate of this step
   * @return the batch's loss, then each metric's batch mean in the run's order
   */
  public double[] runStep(Tensor[] xs, Tensor y, long step, double lr) {
    return t.stepper.run(new Tensor[][] {xs}, new Tensor[] {y}, (int) y.shape().get(0), step, lr);
  }

  /** Zeroes the optimizer's slots (fit does this itself; for benchmarks that drive runStep). */
  public void initOptimizer() {
    t.runState.zeroSlots();
  }

  /**
   * A plain Session.Runner for the same training step with fixed feeds: the baseline that
   * {@code bench} compares {@link #runStep} with. Close its feeds with {@link #closeBare()}.
   *
   * @param x the batch of the model's only input
   * @param y the targets
   * @param lr the learning rate fed to every run
   * @return a runner that runs one step per {@code run()}
   */
  public Session.Runner bareRunner(Tensor x, Tensor y, double lr) {
    return bareRunner(new Tensor[] {x}, y, lr);
  }

  /**
   * As {@link #bareRunner(Tensor, Tensor, double)} with one tensor per model input.
   *
   * @param xs one batch tensor per model input
   * @param y the targets
   * @param lr the learning rate fed to every run
   * @return a runner that runs one step per {@code run()}
   */
  public Session.Runner bareRunner(Tensor[] xs, Tensor y, double lr) {
    return t.stepper.bare(xs, y, (int) y.shape().get(0), lr);
  }

  /** Closes the tensors the last {@link #bareRunner} made for its feeds. */
  public void closeBare() {
    t.stepper.closeBare();
  }
}
