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
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.family.TNumber;
import org.tensorflow.types.family.TType;

/**
 * The training loop: the {@link Objective}'s gradients on trainable weights only, TF's fused
 * optimizer kernels, seeded shuffling and dropout (stateless, from (seed, step), so a resumed run
 * continues exactly), the next batch prepared while the current step runs, checkpoints every
 * epoch. Where the steps run is the {@link Strategy} of the options (this process by default;
 * {@code dev.tfgraph.graph.dist.DataParallel} on a cluster): the trainer calls it, it never calls
 * the trainer. The loop calls the run's {@link TrainingListener}s at fit, epoch and batch
 * boundaries (progress, TensorBoard, checkpoints, early stopping, the schedule and the NaN check
 * are listeners too: {@link dev.tfgraph.graph.train.Listeners#of}).
 */
public final class Trainer implements AutoCloseable {
  final Model model;
  final TrainOptions opt;
  final Strategy strategy;
  final ModelRuntime rt;
  final ModelGraph mg;
  private final Optimizer optimizer;
  final RunState runState;
  // handles the steps use (re-resolved when the strategy relocates the graph)
  private Objective objective;
  /** Validation and test: the loss's and metrics' ops summed over a batch, on an inference pass. */
  EvalOps eval;
  private Placeholder<? extends TNumber> learningRate;
  private Operation update;
  private final List<Operation> slotInits = new ArrayList<>();
  final Steps stepper;
  final List<Metric> metrics;

  public Trainer(Model model, TrainOptions options) {
    this.model = model;
    this.opt = options.validate();
    this.strategy = opt.strategy != null ? opt.strategy : Strategy.local();
    Shape out = model.outputShape();
    boolean needsClasses = opt.loss.classification() && !"sigmoid".equals(opt.loss.logitsOf());
    if (needsClasses && out.numDimensions() != 2) {
      throw new BadInputException("train: loss " + opt.loss.name() + " needs an output [batch, classes], received "
          + Shapes.show(out) + "; end the model with a Dense layer");
    }
    if (opt.augment.equals("flip") && (model.inputs().size() != 1 || model.input().shape().numDimensions() != 4)) {
      throw new BadInputException("train: augment flip mirrors images: expected one model input of shape"
          + " [batch, height, width, channels], received " + model.inputs().size() + " input(s), the first "
          + model.input().name() + " " + Shapes.show(model.input().shape()));
    }
    ConfigProto config = sessionConfig(options);
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
    this.metrics = opt.metrics != null ? List.copyOf(opt.metrics)
        : dev.tfgraph.graph.metric.Metrics.defaults(opt.loss, Shapes.exampleSize(out));
    this.objective = strategy.objective(mg, xs, opt.loss, metrics);
    this.eval = EvalOps.build(mg, opt.loss, metrics);
    List<Output<?>> grads = objective.gradients();
    for (int i = 0; i < grads.size(); i++) {
      if (Gradients.isNone(grads.get(i))) throw new BadInputException("train: weight " + keys.get(i) + " does not affect the loss");
    }
    this.optimizer = new Optimizer(mg.tf(), opt.optimizer, mg.type(), vars, grads, List.of(), mg.stepSeed());
    this.runState = new RunState(rt, optimizer.slots());
    learningRate = optimizer.learningRate();
    update = optimizer.update().op();
    optimizer.slotInits().forEach(o -> slotInits.add(o.op()));
    strategy.open(rt, config, this::reresolve);
    this.stepper = new Steps(rt, objective, learningRate, update, opt.seed, strategy);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void reresolve() {
    objective = objective.relocated(mg);
    eval = eval.relocated(mg);
    learningRate = new Placeholder<>(mg.graph().operation(learningRate.op().name()));
    update = mg.graph().operation(update.name());
    slotInits.replaceAll(o -> mg.graph().operation(o.name()));
    runState.reresolve();
  }

  static ConfigProto sessionConfig(TrainOptions o) {
    ConfigProto.Builder b = ConfigProto.newBuilder();
    if (o.threads > 0) b.setIntraOpParallelismThreads(o.threads).setInterOpParallelismThreads(o.threads);
    Devices.configure(b, o.device);
    return b.build();
  }

  /** The training graph and its session (weights in and out, prediction). */
  public ModelRuntime runtime() {
    return rt;
  }

  /** Every variable of the run (weights and optimizer slots), as a checkpoint holds them. */
  public Map<String, NpyArray> state() {
    return runState.read();
  }

  /**
   * Trains on {@code train}. After each epoch it reports the loss and metrics on {@code validation}, or, without it,
   * on the share validation_split holds out of {@code train}, or else on {@code test}; at the end on {@code test}.
   * {@code validation} and {@code test} may be null; {@code initial} weights may be null (fresh initial values,
   * adapted layers adapted). Every source is checked against the model before a step runs; streams stay open (the
   * caller closes them).
   */
  public TrainResult fit(DataSource train, DataSource validation, DataSource test, Map<String, NpyArray> initial) {
    if (validation != null && opt.validationSplit > 0) {
      throw new BadInputException("train: validation examples and validation_split exclude each other; give one");
    }
    Feed tr = Feed.of(train, model, opt.loss, "training"), va = validation == null ? null : Feed.of(validation, model, opt.loss, "validation"),
        te = test == null ? null : Feed.of(test, model, opt.loss, "test");
    try {
      return new Loop(this).fit(tr, va, te, initial);
    } catch (TensorFlowException e) {
      throw strategy.failure("training", e);
    }
  }

  /** One training step at a time, outside {@link #fit} (benchmarks, tests). */
  public StepDriver steps() {
    return new StepDriver(this);
  }



  /** Zeroes the optimizer's slots. */
  void initOptimizer() {
    if (slotInits.isEmpty()) return;
    Session.Runner r = rt.session().runner();
    slotInits.forEach(r::addTarget);
    r.run().close();
  }

  @Override
  public void close() {
    stepper.close();
    rt.close();
  }
}
