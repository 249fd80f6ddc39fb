package dev.tfgraph.graph.train;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Checks;
import dev.tfgraph.graph.callbacks.CheckpointFolder;
import dev.tfgraph.graph.callbacks.LearningRateScheduler;
import dev.tfgraph.graph.callbacks.Schedules;
import dev.tfgraph.graph.optim.Optimizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The settings of a training run, an immutable value with the defaults of docs/training.md (adam 1e-3,
 * batch 128, seed 0, shuffled): made by {@link #builder()} (checked once, by {@link Builder#build()}),
 * changed through {@link #toBuilder()}. What runs with them (the loss, the metrics, the listeners,
 * the {@link Strategy}) is given to the {@link Trainer} ({@link Trainer#builder}), as Keras gives
 * them to {@code compile} and {@code fit}.
 */
public final class TrainOptions {
  /** The learning-rate schedules {@link Builder#schedule} accepts. */
  public static final List<String> SCHEDULES = List.of("constant", "step", "cosine");
  /** The augmentations {@link Builder#augment} accepts. */
  public static final List<String> AUGMENTATIONS = List.of("none", "flip");
  private final int epochs, batchSize, warmupEpochs, stepEpochs, patience, threads;
  private final long seed, maxSteps;
  private final double gamma, validationSplit;
  private final boolean shuffle, resume, overwriteCheckpoints, progress;
  private final String augment, schedule, device;
  private final Optimizer.Config optimizer;
  private final Path checkpointDir, history, logDir;

  private TrainOptions(Builder b) {
    epochs = b.epochs; batchSize = b.batchSize; warmupEpochs = b.warmupEpochs; stepEpochs = b.stepEpochs;
    patience = b.patience; threads = b.threads; seed = b.seed; maxSteps = b.maxSteps; gamma = b.gamma;
    validationSplit = b.validationSplit; shuffle = b.shuffle; resume = b.resume; overwriteCheckpoints = b.overwriteCheckpoints;
    progress = b.progress; augment = b.augment; schedule = b.schedule; device = b.device; optimizer = b.optimizer;
    checkpointDir = b.checkpointDir; history = b.history; logDir = b.logDir;
  }

  /** {@return a builder with the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a builder holding these settings, to change some of them} */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.epochs = epochs; b.batchSize = batchSize; b.warmupEpochs = warmupEpochs; b.stepEpochs = stepEpochs;
    b.patience = patience; b.threads = threads; b.seed = seed; b.maxSteps = maxSteps; b.gamma = gamma;
    b.validationSplit = validationSplit; b.shuffle = shuffle; b.resume = resume; b.overwriteCheckpoints = overwriteCheckpoints;
    b.progress = progress; b.augment = augment; b.schedule = schedule; b.device = device; b.optimizer = optimizer;
    b.checkpointDir = checkpointDir; b.history = history; b.logDir = logDir;
    return b;
  }

  /** {@return the passes over the training data (default 1)} */
  public int epochs() { return epochs; }
  /** {@return the examples per training step (default 128)} */
  public int batchSize() { return batchSize; }
  /** {@return the optimizer's kind and hyper-parameters (default adam, learning rate 1e-3)} */
  public Optimizer.Config optimizer() { return optimizer; }
  /** {@return the seed of the initial weights, the shuffle, dropout and augmentation (default 0)} */
  public long seed() { return seed; }
  /** {@return true for batches in a seeded order each epoch (default), false for the source's order} */
  public boolean shuffle() { return shuffle; }
  /**
   * {@return "none" (default), or "flip"}: "flip" mirrors each training image [height, width, channels]
   * left-right with probability 1/2, drawn from (seed, epoch, step), so runs and resumed runs see the
   * same images.
   */
  public String augment() { return augment; }
  /** {@return "constant" (default), "step" (× gamma every stepEpochs epochs) or "cosine" (to 0 over the run)} */
  public String schedule() { return schedule; }
  /** {@return the epochs over which the learning rate ramps linearly from lr/steps to lr, before any schedule (default 0)} */
  public int warmupEpochs() { return warmupEpochs; }
  /** {@return the step schedule's factor, in (0, 1] (default 0.1)} */
  public double gamma() { return gamma; }
  /** {@return the step schedule's period in epochs (default 10)} */
  public int stepEpochs() { return stepEpochs; }
  /** {@return the epochs without improvement of the validation loss before training stops (0, default: off)} */
  public int patience() { return patience; }
  /** {@return the fraction of the training data held out for validation (0, default: the test set is reported instead)} */
  public double validationSplit() { return validationSplit; }
  /** {@return the folder that receives a checkpoint of every variable after each epoch (null, default: none)} */
  public Path checkpointDir() { return checkpointDir; }
  /**
   * {@return whether to continue the run whose checkpoints are in checkpointDir} It continues from the
   * last good checkpoint; a folder that holds none gives a fresh start.
   */
  public boolean resume() { return resume; }
  /**
   * {@return whether to start over in a checkpointDir that holds another run's checkpoints} The first
   * checkpoint of this run replaces them (until then they stay). Without it (or resume) such a folder
   * is refused.
   */
  public boolean overwriteCheckpoints() { return overwriteCheckpoints; }
  /** {@return the JSON file the run's history (Keras' History: one object per epoch) is written to after each epoch (null: none)} */
  public Path history() { return history; }
  /**
   * {@return the number of TF threads} 0 (default): TF's default threading; 1: single-threaded,
   * bit-reproducible runs.
   */
  public int threads() { return threads; }
  /** {@return whether the progress listener reports the run (default true)} */
  public boolean progress() { return progress; }
  /** {@return "auto" (default), "cpu" or "gpu"} */
  public String device() { return device; }
  /** {@return the folder TensorBoard event files go to (null, default: none)} */
  public Path logDir() { return logDir; }
  /** {@return the total number of steps after which the run stops (0, default: no limit)} For tests and benchmarks. */
  public long maxSteps() { return maxSteps; }

  /**
   * The learning rate of global step {@code step} (0-based): during the first warmup_epochs it
   * ramps linearly, lr·(step + 1)/warm-up steps; then the schedule runs over the remaining epochs,
   * its epoch and progress counted from the end of the warm-up ({@link #learningRateSchedule}).
   *
   * @param step the global step, counted from 0 over the whole run
   * @param stepsPerEpoch training steps in one epoch, at least 1
   * @return the learning rate
   */
  public double learningRateAt(long step, int stepsPerEpoch) {
    return learningRateSchedule().at(step, stepsPerEpoch);
  }

  /**
   * {@return the schedule of these options behind their warm-up} The schedule is constant, step or
   * cosine over the epochs after the warm-up.
   */
  public LearningRateScheduler.Schedule learningRateSchedule() {
    double lr = optimizer.learningRate();
    LearningRateScheduler.Schedule s = switch (schedule) {
      case "step" -> Schedules.step(lr, gamma, stepEpochs);
      case "cosine" -> Schedules.cosine(lr, epochs - warmupEpochs);
      default -> Schedules.constant(lr);
    };
    return warmupEpochs > 0 ? Schedules.warmup(lr, warmupEpochs, s) : s;
  }

  private Object[] values() {
    return new Object[] {epochs, batchSize, optimizer, seed, shuffle, augment, schedule, warmupEpochs, gamma, stepEpochs,
        patience, validationSplit, checkpointDir, resume, overwriteCheckpoints, history, threads, progress, device, logDir, maxSteps};
  }

  @Override public boolean equals(Object o) { return o instanceof TrainOptions t && Arrays.equals(values(), t.values()); }
  @Override public int hashCode() { return Arrays.hashCode(values()); }
  @Override public String toString() { return "TrainOptions" + Arrays.toString(values()); }

  /** Sets the settings one by one (each as the accessor of the same name describes it); {@link #build} checks them. */
  public static final class Builder {
    private int epochs = 1, batchSize = 128, warmupEpochs, stepEpochs = 10, patience, threads;
    private long seed, maxSteps;
    private double gamma = 0.1, validationSplit;
    private boolean shuffle = true, resume, overwriteCheckpoints, progress = true;
    private String augment = "none", schedule = "constant", device = "auto";
    private Optimizer.Config optimizer = Optimizer.Config.of("adam", 1e-3);
    private Path checkpointDir, history, logDir;

    private Builder() {}

    /**
     * Sets {@link TrainOptions#epochs()}.
     *
     * @param v passes over the training data, at least 1
     * @return this builder
     */
    public Builder epochs(int v) { epochs = v; return this; }
    /**
     * Sets {@link TrainOptions#batchSize()}.
     *
     * @param v examples per training step, at least 1
     * @return this builder
     */
    public Builder batchSize(int v) { batchSize = v; return this; }
    /**
     * Sets {@link TrainOptions#optimizer()}.
     *
     * @param v the optimizer's kind and hyper-parameters
     * @return this builder
     */
    public Builder optimizer(Optimizer.Config v) { optimizer = v; return this; }
    /**
     * Sets {@link TrainOptions#seed()}.
     *
     * @param v any seed
     * @return this builder
     */
    public Builder seed(long v) { seed = v; return this; }
    /**
     * Sets {@link TrainOptions#shuffle()}.
     *
     * @param v false keeps the source's order
     * @return this builder
     */
    public Builder shuffle(boolean v) { shuffle = v; return this; }
    /**
     * Sets {@link TrainOptions#augment()}.
     *
     * @param v "none" or "flip"
     * @return this builder
     */
    public Builder augment(String v) { augment = v; return this; }
    /**
     * Sets {@link TrainOptions#schedule()}.
     *
     * @param v "constant", "step" or "cosine"
     * @return this builder
     */
    public Builder schedule(String v) { schedule = v; return this; }
    /**
     * Sets {@link TrainOptions#warmupEpochs()}.
     *
     * @param v 0 or more, fewer than the epochs
     * @return this builder
     */
    public Builder warmupEpochs(int v) { warmupEpochs = v; return this; }
    /**
     * Sets {@link TrainOptions#gamma()}.
     *
     * @param v the step schedule's factor, in (0, 1]
     * @return this builder
     */
    public Builder gamma(double v) { gamma = v; return this; }
    /**
     * Sets {@link TrainOptions#stepEpochs()}.
     *
     * @param v the step schedule's period in epochs, at least 1
     * @return this builder
     */
    public Builder stepEpochs(int v) { stepEpochs = v; return this; }
    /**
     * Sets {@link TrainOptions#patience()}.
     *
     * @param v epochs without improvement before stopping, 0 for off; needs a validation split
     * @return this builder
     */
    public Builder patience(int v) { patience = v; return this; }
    /**
     * Sets {@link TrainOptions#validationSplit()}.
     *
     * @param v the held-out fraction, in [0, 0.5]
     * @return this builder
     */
    public Builder validationSplit(double v) { validationSplit = v; return this; }
    /**
     * Sets {@link TrainOptions#checkpointDir()}.
     *
     * @param v a folder, or null for no checkpoints
     * @return this builder
     */
    public Builder checkpointDir(Path v) { checkpointDir = v; return this; }
    /**
     * Sets {@link TrainOptions#resume()}.
     *
     * @param v true to continue the run in the checkpoint folder
     * @return this builder
     */
    public Builder resume(boolean v) { resume = v; return this; }
    /**
     * Sets {@link TrainOptions#overwriteCheckpoints()}.
     *
     * @param v true to start over in a folder holding another run's checkpoints
     * @return this builder
     */
    public Builder overwriteCheckpoints(boolean v) { overwriteCheckpoints = v; return this; }
    /**
     * Sets {@link TrainOptions#history()}.
     *
     * @param v a JSON file, or null
     * @return this builder
     */
    public Builder history(Path v) { history = v; return this; }
    /**
     * Sets {@link TrainOptions#threads()}.
     *
     * @param v 0 for TF's default, 1 for bit-reproducible runs
     * @return this builder
     */
    public Builder threads(int v) { threads = v; return this; }
    /**
     * Sets {@link TrainOptions#progress()}.
     *
     * @param v false silences the progress listener
     * @return this builder
     */
    public Builder progress(boolean v) { progress = v; return this; }
    /**
     * Sets {@link TrainOptions#device()}.
     *
     * @param v "auto", "cpu" or "gpu"
     * @return this builder
     */
    public Builder device(String v) { device = v; return this; }
    /**
     * Sets {@link TrainOptions#logDir()}.
     *
     * @param v a folder for TensorBoard event files, or null
     * @return this builder
     */
    public Builder logDir(Path v) { logDir = v; return this; }
    /**
     * Sets {@link TrainOptions#maxSteps()}.
     *
     * @param v 0 for no limit, else the total step count
     * @return this builder
     */
    public Builder maxSteps(long v) { maxSteps = v; return this; }

    /**
     * The options, checked (bad input names the setting, what it expects and what it received); a checkpoint folder
     * that holds another run's checkpoints is refused unless the run resumes or starts it over.
     *
     * @return the options
     * @throws BadInputException when a setting is out of range, settings contradict each other, or the
     *     checkpoint folder holds another run's checkpoints
     */
    public TrainOptions build() {
      Checks.positive("train", "epochs", epochs);
      Checks.positive("train", "batch_size", batchSize);
      Checks.oneOf("train", "schedule", schedule, SCHEDULES);
      Checks.oneOf("train", "augment", augment, AUGMENTATIONS);
      Checks.inRange("train", "validation_split", validationSplit, 0, 0.5);
      Checks.nonNegative("train", "patience", patience);
      Checks.nonNegative("train", "warmup_epochs", warmupEpochs);
      if (warmupEpochs >= epochs && warmupEpochs > 0) {
        throw new BadInputException("train: warmup_epochs " + warmupEpochs + " leaves no epoch after the warm-up; expected fewer than epochs ("
            + epochs + ")");
      }
      Checks.positive("train", "step_epochs", stepEpochs);
      if (!(gamma > 0 && gamma <= 1)) throw Checks.error("train", "gamma", "in (0, 1]", gamma);
      Checks.nonNegative("train", "threads", threads);
      if (maxSteps < 0) throw Checks.error("train", "max_steps", "an integer >= 0", maxSteps);
      if (patience > 0 && validationSplit == 0) {
        throw new BadInputException("train: early stopping (patience) needs validation_split > 0, "
            + "so that the test set never steers training");
      }
      if (resume && checkpointDir == null) throw new BadInputException("train: resuming (resume) needs a checkpoint folder (checkpoint_dir)");
      if (overwriteCheckpoints && checkpointDir == null) {
        throw new BadInputException("train: overwrite_checkpoints replaces the checkpoints in a folder; give the folder (checkpoint_dir)");
      }
      if (resume && overwriteCheckpoints) {
        throw new BadInputException("train: continuing a run (resume) and starting it over (overwrite_checkpoints) exclude each other; give one");
      }
      CheckpointFolder.requireNotInUse(checkpointDir, resume, overwriteCheckpoints);
      return new TrainOptions(this);
    }
  }
}
