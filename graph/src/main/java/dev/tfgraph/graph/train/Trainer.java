package dev.tfgraph.graph.train;

import dev.tfgraph.graph.train.feed.Feed;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Metric;
import dev.tfgraph.graph.Shapes;
import dev.tfgraph.graph.WeightSpec;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.optim.Optimizer;
import dev.tfgraph.graph.runtime.Devices;
import dev.tfgraph.graph.runtime.Gradients;
import dev.tfgraph.graph.runtime.ModelGraph;
import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.callbacks.TrainingListener;
import java.util.ArrayList;
import dev.tfgraph.graph.data.DataSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.family.TNumber;
import org.tensorflow.types.family.TType;

/**
 * The training loop: the {@link Objective}'s gradients on trainable weights only, TF's fused
 * optimizer kernels, seeded shuffling and dropout (stateless, from (seed, step), so a resumed run
 * continues exactly), the next batch prepared while the current step runs, checkpoints every
 * epoch. Where the steps run is the trainer's {@link Strategy} (this process by default;
 * {@code dev.tfgraph.graph.dist.DataParallel} on a cluster): the trainer calls it, it never calls
 * the trainer. The loop calls the run's {@link TrainingListener}s at fit, epoch and batch
 * boundaries (progress, TensorBoard, checkpoints, early stopping, the schedule and the NaN check
 * are listeners too: {@link Listeners#of}).
 */
public final class Trainer implements AutoCloseable {
  final Model model;
  final TrainOptions opt;
  final Strategy strategy;
  final dev.tfgraph.graph.Loss loss;
  final List<Metric> metrics;
  /** The user's listeners, called after the NaN check and the schedule ({@link Listeners#of}). */
  final List<TrainingListener> listeners;
  final ModelRuntime rt;
  final ModelGraph mg;
  final RunState runState;
  // handles the steps use (re-resolved when the strategy relocates the graph)
  private Objective objective;
  /** Validation and test: the loss's and metrics' ops summed over a batch, on an inference pass. */
  EvalOps eval;
  private Placeholder<? extends TNumber> learningRate;
  private Operation update;
  final Steps stepper;

  /**
   * A trainer of {@code model} with {@code options} and the defaults of {@link Builder}: in this process, the default loss and its metrics, no listener of yours.
   *
   * @param model a built model
   * @param options the run's settings
   * @throws BadInputException when the loss does not suit the model's output, the model has no
   *     trainable weight, a weight does not affect the loss, or flip augmentation meets a non-image input
   */
  public Trainer(Model model, TrainOptions options) {
    this(builder(model, options));
  }

  /**
   * What a run is assembled from besides its settings: the loss, metrics, listeners and strategy (Keras' compile and callbacks).
   *
   * @param model a built model
   * @param options the run's settings
   * @return a builder with the defaults
   * @throws NullPointerException when either is null
   */
  public static Builder builder(Model model, TrainOptions options) {
    return new Builder(model, options);
  }

  private Trainer(Builder b) {
    this.model = b.model;
    this.opt = b.options;
    this.strategy = b.strategy;
    this.loss = b.loss;
    this.listeners = List.copyOf(b.listeners);
    Objective.requireSuits(model, loss);
    if (opt.augment().equals("flip") && (model.inputs().size() != 1 || model.input().shape().numDimensions() != 4)) {
      throw new BadInputException("train: augment flip mirrors images: expected one model input of shape"
          + " [batch, height, width, channels], received " + model.inputs().size() + " input(s), the first "
          + model.input().name() + " " + Shapes.show(model.input().shape()));
    }
    ConfigProto config = sessionConfig(opt);
    this.rt = strategy.graph(model, config);
    this.mg = rt.graph();
    List<String> keys = new ArrayList<>();
    List<Variable<? extends TType>> vars = new ArrayList<>();
    for (WeightSpec w : model.weights()) {
      if (w.trainable()) {
        keys.add(w.key());
        vars.add(mg.variables().get(w.key()));
      }
    }
    if (vars.isEmpty()) throw new BadInputException("train: the model has no trainable weights");
    Output<?>[] xs = new Output<?>[vars.size()];
    for (int i = 0; i < xs.length; i++) xs[i] = vars.get(i).asOutput();
    this.metrics = b.metrics != null ? b.metrics : dev.tfgraph.graph.metric.Metrics.defaults(loss, Shapes.exampleSize(model.outputShape()));
    this.objective = strategy.objective(mg, xs, loss, metrics);
    this.eval = EvalOps.build(mg, loss, metrics);
    List<Output<?>> grads = objective.gradients();
    for (int i = 0; i < grads.size(); i++) {
      if (Gradients.isNone(grads.get(i))) throw new BadInputException("train: weight " + keys.get(i) + " does not affect the loss");
    }
    Optimizer optimizer = new Optimizer(mg.tf(), opt.optimizer(), mg.type(), vars, grads, List.of(), mg.stepSeed());
    this.runState = new RunState(rt, optimizer.slots(), optimizer.slotInits());
    learningRate = optimizer.learningRate();
    update = optimizer.update().op();
    strategy.open(rt, config, this::reresolve);
    this.stepper = new Steps(rt, objective, learningRate, update, opt.seed(), strategy);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void reresolve() {
    objective = objective.relocated(mg);
    eval = eval.relocated(mg);
    learningRate = new Placeholder<>(mg.graph().operation(learningRate.op().name()));
    update = mg.graph().operation(update.name());
    runState.reresolve();
  }

  static ConfigProto sessionConfig(TrainOptions o) {
    ConfigProto.Builder b = ConfigProto.newBuilder();
    if (o.threads() > 0) b.setIntraOpParallelismThreads(o.threads()).setInterOpParallelismThreads(o.threads());
    Devices.configure(b, o.device());
    return b.build();
  }

  /** {@return the training graph and its session (weights in and out, prediction)} */
  public ModelRuntime runtime() {
    return rt;
  }

  /** {@return every variable of the run (weights and optimizer slots) by key, as a checkpoint holds them} */
  public Map<String, NpyArray> state() {
    return runState.read();
  }

  /**
   * Trains on {@code train}. After each epoch it reports the loss and metrics on {@code validation}, or, without it,
   * on the share validation_split holds out of {@code train}, or else on {@code test}; at the end on {@code test}.
   * {@code validation} and {@code test} may be null; {@code initial} weights may be null (fresh initial values,
   * adapted layers adapted). Every source is checked against the model before a step runs; streams stay open (the
   * caller closes them).
   *
   * @param train the training examples
   * @param validation validation examples, or null
   * @param test test examples, or null
   * @param initial weights by key ({@code <layer>.<weight>}, shaped as the model declares), or null
   * @return the history per epoch, the final metrics and how the run ended
   * @throws BadInputException when a source does not fit the model or loss, or validation examples
   *     and validation_split are both given
   * @throws RuntimeException when TensorFlow fails while training: its own exception in this process,
   *     the strategy's (naming the failed task) on a cluster
   */
  public TrainResult fit(DataSource train, DataSource validation, DataSource test, Map<String, NpyArray> initial) {
    if (validation != null && opt.validationSplit() > 0) {
      throw new BadInputException("train: validation examples and validation_split exclude each other; give one");
    }
    Feed tr = Feed.of(train, model, loss, "training"), va = validation == null ? null : Feed.of(validation, model, loss, "validation"),
        te = test == null ? null : Feed.of(test, model, loss, "test");
    try {
      return new Loop(this).fit(tr, va, te, initial);
    } catch (TensorFlowException e) {
      throw strategy.failure("training", e);
    }
  }

  /** {@return a driver of one training step at a time, outside {@link #fit} (benchmarks, tests)} */
  public StepDriver steps() {
    return new StepDriver(this);
  }

  @Override
  public void close() {
    stepper.close();
    rt.close();
  }

  /**
   * Assembles a {@link Trainer}: the model and its {@link TrainOptions} (settings), with the objects that run with them.
   * A builder may build several trainers (e.g. one per attempt of {@code dev.tfgraph.graph.dist.RestartPolicy}).
   */
  public static final class Builder {
    private final Model model;
    private TrainOptions options;
    private dev.tfgraph.graph.Loss loss = dev.tfgraph.graph.loss.Losses.builtIn(dev.tfgraph.graph.loss.Losses.DEFAULT, 0);
    private List<Metric> metrics;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private Strategy strategy = Strategy.local();

    private Builder(Model model, TrainOptions options) {
      this.model = Objects.requireNonNull(model, "model");
      this.options = Objects.requireNonNull(options, "options");
    }

    /** {@return the settings of the next trainer built} */
    public TrainOptions options() { return options; }
    /**
     * Replaces the settings.
     *
     * @param o the settings of the next trainer built
     * @return this builder
     */
    public Builder options(TrainOptions o) { options = Objects.requireNonNull(o, "options"); return this; }
    /**
     * What training minimises (default sparse categorical cross-entropy; {@code Losses.get(name, smoothing)}).
     *
     * @param l the loss
     * @return this builder
     */
    public Builder loss(dev.tfgraph.graph.Loss l) { loss = Objects.requireNonNull(l, "loss"); return this; }
    /**
     * Reported per epoch for training, validation and test (null, default: the loss's defaults, {@code Metrics.defaults}).
     *
     * @param m the metrics in report order, or null
     * @return this builder
     */
    public Builder metrics(List<Metric> m) { metrics = m == null ? null : List.copyOf(m); return this; }
    /**
     * Adds the user's listeners, called in order after the NaN check and the schedule ({@link Listeners#of}).
     *
     * @param l listeners to add
     * @return this builder
     */
    public Builder listeners(TrainingListener... l) { listeners.addAll(List.of(l)); return this; }
    /**
     * Where the steps run (default: in this process); e.g. {@code DataParallel} on a cluster, whose chief this process is.
     *
     * @param s the strategy
     * @return this builder
     */
    public Builder strategy(Strategy s) { strategy = Objects.requireNonNull(s, "strategy"); return this; }

    /**
     * A trainer with the current settings; its graph and session are made now.
     *
     * @return the trainer; the caller closes it
     * @throws BadInputException as {@link Trainer#Trainer(Model, TrainOptions)}
     */
    public Trainer build() {
      return new Trainer(this);
    }
  }
}
