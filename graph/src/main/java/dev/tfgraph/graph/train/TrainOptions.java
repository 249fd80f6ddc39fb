package dev.tfgraph.graph.train;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Checks;
import dev.tfgraph.graph.Loss;
import dev.tfgraph.graph.Metric;
import dev.tfgraph.graph.callbacks.Checkpoints;
import dev.tfgraph.graph.callbacks.LearningRateScheduler;
import dev.tfgraph.graph.callbacks.Schedules;
import dev.tfgraph.graph.optim.Optimizer;
import java.nio.file.Path;
import java.util.List;

/** Training settings, with the contract's defaults (adam 1e-3, batch 128, seed 0, shuffled). */
public final class TrainOptions {
  public static final List<String> SCHEDULES = List.of("constant", "step", "cosine");
  public static final List<String> AUGMENTATIONS = List.of("none", "flip");
  public int epochs = 1;
  public int batchSize = 128;
  public Optimizer.Config optimizer = Optimizer.Config.of("adam", 1e-3);
  /** What training minimises (CONTRACT.md section 5; default sparse categorical cross-entropy). */
  public Loss loss = dev.tfgraph.graph.loss.Losses.builtIn(dev.tfgraph.graph.loss.Losses.DEFAULT, 0);
  public long seed = 0;
  public boolean shuffle = true;
  /**
   * "none", or "flip": each training image [height, width, channels] is mirrored left-right with
   * probability 1/2, drawn from (seed, epoch, step), so runs and resumed runs see the same images.
   */
  public String augment = "none";
  /** "constant", "step" (× gamma every stepEpochs epochs) or "cosine" (to 0 over the run). */
  public String schedule = "constant";
  /** Epochs over which the learning rate ramps linearly from lr/steps to lr, before any schedule. */
  public int warmupEpochs = 0;
  public double gamma = 0.1;
  public int stepEpochs = 10;
  /** Early stopping on validation loss: stop after this many epochs without improvement (0: off). */
  public int patience = 0;
  /** Fraction of the training data held out for validation (0: the test set is reported instead). */
  public double validationSplit = 0;
  /** A checkpoint of every variable after each epoch goes here (null: none). */
  public Path checkpointDir;
  /** Continue the run whose checkpoints are in checkpointDir (from its last good one; a fresh start if it holds none). */
  public boolean resume;
  /**
   * Start over in a checkpointDir that holds another run's checkpoints: the first checkpoint of this
   * run replaces them (until then they stay). Without it (or resume) such a folder is refused.
   */
  public boolean overwriteCheckpoints;
  /** After each epoch, the run's history (Keras' History: one object per epoch) is written to this JSON file (null: none). */
  public Path history;
  /** 0: TF's default threading; 1: single-threaded, bit-reproducible runs. */
  public int threads = 0;
  public boolean progress = true;
  public String device = "auto";
  /** TensorBoard event files go here (null: none). */
  public Path logDir;
  /** Stop after this many steps in total (0: no limit); for tests and benchmarks. */
  public long maxSteps = 0;
  /**
   * Where the steps run (null: in this process); e.g. {@code dev.tfgraph.graph.dist.DataParallel}
   * on a cluster, whose chief this process is.
   */
  public Strategy strategy;
  /**
   * Metrics reported per epoch for training, validation and test (null: the loss's defaults,
   * {@link dev.tfgraph.graph.metric.Metrics#defaults}).
   */
  public List<Metric> metrics;
  /** The user's listeners, called after the NaN check and the schedule ({@link dev.tfgraph.graph.train.Listeners#of}). */
  public List<dev.tfgraph.graph.callbacks.TrainingListener> listeners = new java.util.ArrayList<>();

  public TrainOptions validate() {
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
    Checkpoints.requireNotInUse(checkpointDir, resume, overwriteCheckpoints);
    return this;
  }

  /**
   * The learning rate of global step {@code step} (0-based): during the first warmup_epochs it
   * ramps linearly, lr·(step + 1)/warm-up steps; then the schedule runs over the remaining epochs,
   * its epoch and progress counted from the end of the warm-up ({@link #schedule}).
   */
  public double learningRateAt(long step, int stepsPerEpoch) {
    return schedule().at(step, stepsPerEpoch);
  }

  /** The schedule of these options (constant, step or cosine over the epochs after the warm-up) behind their warm-up. */
  public LearningRateScheduler.Schedule schedule() {
    double lr = optimizer.learningRate();
    LearningRateScheduler.Schedule s = switch (schedule) {
      case "step" -> Schedules.step(lr, gamma, stepEpochs);
      case "cosine" -> Schedules.cosine(lr, epochs - warmupEpochs);
      default -> Schedules.constant(lr);
    };
    return warmupEpochs > 0 ? Schedules.warmup(lr, warmupEpochs, s) : s;
  }
}
