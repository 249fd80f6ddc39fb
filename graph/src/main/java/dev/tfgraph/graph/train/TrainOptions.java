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
 * The settings of a training run, an immutable value with the contract's defaults (adam 1e-3,
 * batch 128, seed 0, shuffled): made by {@link #builder()} (checked once, by {@link Builder#build()}),
 * changed through {@link #toBuilder()}. What runs with them (the loss, the metrics, the listeners,
 * the {@link Strategy}) is given to the {@link Trainer} ({@link Trainer#builder}), as Keras gives
 * them to {@code compile} and {@code fit}.
 */
public final class TrainOptions {
  public static final List<String> SCHEDULES = List.of("constant", "step", "cosine");
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

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these settings, to change some of them. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.epochs = epochs; b.batchSize = batchSize; b.warmupEpochs = warmupEpochs; b.stepEpochs = stepEpochs;
    b.patience = patience; b.threads = threads; b.seed = seed; b.maxSteps = maxSteps; b.gamma = gamma;
    b.validationSplit = validationSplit; b.shuffle = shuffle; b.resume = resume; b.overwriteCheckpoints = overwriteCheckpoints;
    b.progress = progress; b.augment = augment; b.schedule = schedule; b.device = device; b.optimizer = optimizer;
    b.checkpointDir = checkpointDir; b.history = history; b.logDir = logDir;
    return b;
  }

  /** Passes over the training data (default 1). */
  public int epochs() { return epochs; }
  /** Examples per training step (default 128). */
  public int batchSize() { return batchSize; }
  /** The optimizer's kind and hyper-parameters (default adam, learning rate 1e-3). */
  public Optimizer.Config optimizer() { return optimizer; }
  /** The seed of the initial weights, the shuffle, dropout and augmentation (default 0). */
  public long seed() { return seed; }
  /** Batches in a seeded order each epoch (default), or in the source's order. */
  public boolean shuffle() { return shuffle; }
  /**
   * "none" (default), or "flip": each training image [height, width, channels] is mirrored left-right with
   * probability 1/2, drawn from (seed, epoch, step), so runs and resumed runs see the same images.
   */
  public String augment() { return augment; }
  /** "constant" (default), "step" (× gamma every stepEpochs epochs) or "cosine" (to 0 over the run). */
  public String schedule() { return schedule; }
  /** Epochs over which the learning rate ramps linearly from lr/steps to lr, before any schedule (default 0). */
  public int warmupEpochs() { return warmupEpochs; }
  /** The step schedule's factor, in (0, 1] (default 0.1). */
  public double gamma() { return gamma; }
  /** The step schedule's period in epochs (default 10). */
  public int stepEpochs() { return stepEpochs; }
  /** Early stopping on validation loss: stop after this many epochs without improvement (0, default: off). */
  public int patience() { return patience; }
  /** Fraction of the training data held out for validation (0, default: the test set is reported instead). */
  public double validationSplit() { return validationSplit; }
  /** A checkpoint of every variable after each epoch goes here (null, default: none). */
  public Path checkpointDir() { return checkpointDir; }
  /** Continue the run whose checkpoints are in checkpointDir (from its last good one; a fresh start if it holds none). */
  public boolean resume() { return resume; }
  /**
   * Start over in a checkpointDir that holds another run's checkpoints: the first checkpoint of this
   * run replaces them (until then they stay). Without it (or resume) such a folder is refused.
   */
  public boolean overwriteCheckpoints() { return overwriteCheckpoints; }
  /** After each epoch, the run's history (Keras' History: one object per epoch) is written to this JSON file (null: none). */
  public Path history() { return history; }
  /** 0 (default): TF's default threading; 1: single-threaded, bit-reproducible runs. */
  public int threads() { return threads; }
  /** The progress listener reports the run (default true). */
  public boolean progress() { return progress; }
  /** "auto" (default), "cpu" or "gpu". */
  public String device() { return device; }
  /** TensorBoard event files go here (null, default: none). */
  public Path logDir() { return logDir; }
  /** Stop after this many steps in total (0, default: no limit); for tests and benchmarks. */
  public long maxSteps() { return maxSteps; }

  /**
   * The learning rate of global step {@code step} (0-based): during the first warmup_epochs it
   * ramps linearly, lr·(step + 1)/warm-up steps; then the schedule runs over the remaining epochs,
   * its epoch and progress counted from the end of the warm-up ({@link #learningRateSchedule}).
   */
  public double learningRateAt(long step, int stepsPerEpoch) {
    return learningRateSchedule().at(step, stepsPerEpoch);
  }

  /** The schedule of these options (constant, step or cosine over the epochs after the warm-up) behind their warm-up. */
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

    public Builder epochs(int v) { epochs = v; return this; }
    public Builder batchSize(int v) { batchSize = v; return this; }
    public Builder optimizer(Optimizer.Config v) { optimizer = v; return this; }
    public Builder seed(long v) { seed = v; return this; }
    public Builder shuffle(boolean v) { shuffle = v; return this; }
    public Builder augment(String v) { augment = v; return this; }
    public Builder schedule(String v) { schedule = v; return this; }
    public Builder warmupEpochs(int v) { warmupEpochs = v; return this; }
    public Builder gamma(double v) { gamma = v; return this; }
    public Builder stepEpochs(int v) { stepEpochs = v; return this; }
    public Builder patience(int v) { patience = v; return this; }
    public Builder validationSplit(double v) { validationSplit = v; return this; }
    public Builder checkpointDir(Path v) { checkpointDir = v; return this; }
    public Builder resume(boolean v) { resume = v; return this; }
    public Builder overwriteCheckpoints(boolean v) { overwriteCheckpoints = v; return this; }
    public Builder history(Path v) { history = v; return this; }
    public Builder threads(int v) { threads = v; return this; }
    public Builder progress(boolean v) { progress = v; return this; }
    public Builder device(String v) { device = v; return this; }
    public Builder logDir(Path v) { logDir = v; return this; }
    public Builder maxSteps(long v) { maxSteps = v; return this; }

    /**
     * The options, checked (bad input names the setting, what it expects and what it received); a checkpoint folder
     * that holds another run's checkpoints is refused unless the run resumes or starts it over.
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
