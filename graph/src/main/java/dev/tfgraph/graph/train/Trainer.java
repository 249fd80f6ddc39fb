package dev.tfgraph.graph.train;

import dev.tfgraph.graph.callbacks.Epoch;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.Metric;
import dev.tfgraph.graph.Shapes;
import dev.tfgraph.graph.WeightSpec;
import dev.tfgraph.graph.callbacks.Checkpoints;
import dev.tfgraph.graph.model.InputSpec;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.optim.Optimizer;
import dev.tfgraph.graph.runtime.Devices;
import dev.tfgraph.graph.runtime.Gradients;
import dev.tfgraph.graph.runtime.ModelGraph;
import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.graph.runtime.WeightCheck;
import dev.tfgraph.graph.train.Batches.Batch;
import dev.tfgraph.graph.data.Dataset;
import dev.tfgraph.graph.data.ImageStream;
import dev.tfgraph.graph.data.MappedDataset;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.callbacks.BatchLogs;
import dev.tfgraph.graph.callbacks.TrainingListener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import dev.tfgraph.graph.data.DataSource;
import java.util.function.UnaryOperator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
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
  private final Model model;
  private final TrainOptions opt;
  private final Strategy strategy;
  private final ModelRuntime rt;
  private final ModelGraph mg;
  private final Optimizer optimizer;
  private final RunState runState;
  // handles the steps use (re-resolved when the strategy relocates the graph)
  private Objective objective;
  private Placeholder<? extends TNumber> learningRate;
  private Operation update;
  private final List<Operation> slotInits = new ArrayList<>();
  private final Steps stepper;
  private final List<Metric> metrics;

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
    Feed tr = feed(train, "training"), va = validation == null ? null : feed(validation, "validation"),
        te = test == null ? null : feed(test, "test");
    try {
      return fitHere(tr, va, te, initial);
    } catch (TensorFlowException e) {
      throw strategy.failure("training", e);
    }
  }

  /** A source as the loop takes it, checked against the model first: arrays whole, images by their decoded shape, others per batch. */
  private Feed feed(DataSource s, String what) {
    if (s.size() == 0) throw new BadInputException(what + " data: no examples");
    if (s instanceof Dataset d) return new Feed(checkData(d, what), UnaryOperator.identity());
    if (s instanceof ImageStream images) {
      checkImages(images);
      return new Feed(images, UnaryOperator.identity());
    }
    if (s instanceof MappedDataset m) checkData(m.rows(new int[] {0}, 0, 1), what);   // shapes, names and targets, before anything runs
    return new Feed(s, d -> checkData(d, what));
  }

  /** Images decoded to the model's one input, with integer class labels. */
  private void checkImages(ImageStream images) {
    if (model.inputs().size() != 1) {
      throw new BadInputException("train: images from " + images.describe() + " feed a model of one input; this model takes "
          + model.inputs().size());
    }
    long[] want = Shapes.dims(model.input().shape());
    if (!Arrays.equals(want, images.exampleShape())) {
      throw new BadInputException("train: images from " + images.describe() + " are decoded to " + Arrays.toString(images.exampleShape())
          + "; the model input " + model.input().name() + " takes " + Arrays.toString(want));
    }
    if (opt.loss.classification() && !opt.loss.sparse()) {
      throw new BadInputException("train: images come with integer class labels; loss " + opt.loss.name()
          + " takes float targets (use sparse_categorical_crossentropy)");
    }
  }

  private TrainResult fitHere(Feed train, Feed validation, Feed test, Map<String, NpyArray> initial) {
    Feed val = validation != null ? validation : test;
    if (opt.validationSplit > 0) {
      Feed[] split = holdOut(train);
      train = split[0];
      val = split[1];
    }
    int steps = (int) ((train.size() + (long) opt.batchSize - 1) / opt.batchSize);   // long: no overflow at huge batch sizes
    FitRun run = new FitRun(model, opt, metrics, runState, rt, steps, val == null ? null : val == test ? "test" : "val");
    run.state = start(train, initial, run);
    // Resumed from a checkpoint of a run that was over (every epoch done, or early stopping's patience used up):
    // nothing left to train; the test metrics and the weights are those of the checkpoint.
    if (run.resumed && run.state.epoch() >= opt.epochs) run.stop("already_completed");
    else if (run.resumed && opt.patience > 0 && run.state.badEpochs() >= opt.patience) run.stop("early_stopping");
    long t0 = System.nanoTime();
    ExecutorService prefetch = Executors.newSingleThreadExecutor(r -> {   // makes the next batch's tensors during a step
      Thread t = new Thread(r, "tfgraph-prefetch");
      t.setDaemon(true);
      return t;
    });
    Calls calls = new Calls(dev.tfgraph.graph.train.Listeners.of(opt));
    Throwable failure = null;
    try {
      calls.each(l -> l.onFitStart(run));
      for (int epoch = run.state.epoch(); epoch < opt.epochs && run.stopReason() == null; epoch++) {
        final int ep = epoch;
        calls.each(l -> l.onEpochStart(run, ep));
        long te = System.nanoTime();
        runEpoch(train, epoch, run, prefetch, calls);
        TrainResult.Metrics v = val == null ? null : evaluate(val);
        Epoch e = new Epoch(epoch + 1, run.meanLoss(), run.meanMetrics(),
            v == null ? Double.NaN : v.loss(), v == null ? Map.of() : v.values(), run.lr, (System.nanoTime() - te) / 1e9);
        run.trained.add(e);
        boolean whole = !"max_steps".equals(run.stopReason()) && run.batchesRun == steps;
        Checkpoints.State s = run.state;
        run.state = new Checkpoints.State(whole ? epoch + 1 : epoch, run.step, s.bestValLoss(), s.badEpochs());
        calls.each(l -> l.onEpochEnd(run, e));
      }
    } catch (RuntimeException | Error e) {
      failure = e;
      throw e;
    } finally {
      prefetch.shutdownNow();
      Throwable f = failure;
      calls.end(l -> l.onFitEnd(run, f));
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    TrainResult.Metrics tm = test == null ? null : evaluate(test);
    Map<String, NpyArray> weights = rt.weights();
    WeightCheck.requireFinite(weights, model.dtype().equals("float64"), "training produced non-finite weights");
    Epoch last = run.trained.isEmpty() ? run.earlier.isEmpty() ? null : run.earlier.get(run.earlier.size() - 1)
        : run.trained.get(run.trained.size() - 1);
    // the data wait is a part of each step's wall time (wait + step + listeners): a share of it, in [0, 100]
    return new TrainResult(List.copyOf(run.trained), run.stepsRun, seconds, run.stepsRun == 0 ? 0 : run.stepNanos / 1e6 / run.stepsRun,
        run.loopNanos == 0 ? 0 : 100.0 * run.waitNanos / run.loopNanos, last == null ? run.lastLoss : last.trainLoss(),
        last == null ? run.lastMetrics : last.train(), tm, run.stopReason() == null ? "completed" : run.stopReason(), weights,
        List.copyOf(run.earlier), run.heldOut);
  }

  /** Calls every listener in order; at the end, every one even when one of them fails (the first failure is thrown). */
  private record Calls(List<TrainingListener> listeners) {
    void each(java.util.function.Consumer<TrainingListener> call) {
      for (TrainingListener l : listeners) call.accept(l);
    }

    void end(java.util.function.Consumer<TrainingListener> call) {
      RuntimeException first = null;
      for (TrainingListener l : listeners) {
        try {
          call.accept(l);
        } catch (RuntimeException e) {
          if (first == null) first = e;
        }
      }
      if (first != null) throw first;
    }
  }

  private TrainResult.Metrics evaluate(Feed f) {
    return Evaluator.evaluate(f.source, f.check, b -> rt.predict(Evaluator.xs(b), b.size(), Evaluator.BATCH),
        Math.toIntExact(Shapes.exampleSize(model.outputShape())), opt.loss, metrics, mg.endsIn(opt.loss.logitsOf()));
  }

  /** {train, validation}: a seeded hold-out of validation_split of the training data. */
  private Feed[] holdOut(Feed train) {
    int[] o = DataSource.order(train.size(), opt.seed, -1, true);
    int nv = (int) Math.round(train.size() * opt.validationSplit);
    if (nv == 0 || nv == train.size()) {
      throw new BadInputException("train: validation_split " + opt.validationSplit + " of " + train.size()
          + " training examples holds out " + nv + " for validation and leaves " + (train.size() - nv)
          + " for training; expected at least 1 of each (more data, or a larger split)");
    }
    return train.holdOut(o, nv);
  }

  /** Resumes from the last checkpoint, or sets initial (or fresh, adapted) weights and zeroes the optimizer. */
  private Checkpoints.State start(Feed train, Map<String, NpyArray> initial, FitRun run) {
    Checkpoints.removeLeftovers(opt.checkpointDir);
    Checkpoints.Loaded ck = opt.resume ? Checkpoints.load(opt.checkpointDir) : null;
    if (ck != null) {
      runState.restore(ck);
      Checkpoints.State s = ck.state();
      run.resumed = true;
      run.step = s.step();
      run.earlier = ck.history();
      if (opt.progress) System.err.println("tfgraph: resumed from " + ck.file() + " (epoch " + s.epoch() + ", step " + s.step() + ")");
      return s;
    }
    Map<String, NpyArray> w = initial != null ? new LinkedHashMap<>(initial) : rt.initialValues(opt.seed);
    Layer adapts = Adaptation.needed(model);
    if (initial == null && adapts != null && train.source.inMemory() == null) {
      throw new BadInputException("train: layer '" + adapts.name() + "' adapts to the training data before the"
          + " first step, which needs the examples in memory; " + train.source.describe() + " is read batch by batch ("
          + train.source.toMemory() + ", or start from initial weights that hold the layer's values)");
    }
    if (initial == null) Adaptation.run(model, rt, train.source.inMemory(), w);
    rt.setWeights(w);
    initOptimizer();
    return new Checkpoints.State(0, 0, Double.POSITIVE_INFINITY, 0);
  }

  /** The steps of one epoch, each batch prepared on the prefetch thread while the previous one runs. */
  private void runEpoch(Feed train, int epoch, FitRun run, ExecutorService prefetch, Calls calls) {
    Feed.Cut cut = new Feed.Cut(opt.seed, opt.shuffle, opt.batchSize, strategy.shards(), mg.type(),
        model.inputs().stream().map(InputSpec::shape).toList(), model.outputShape(), opt.augment.equals("flip"));
    run.startEpoch();
    try (Feed.Epoch batches = train.epoch(epoch, cut, prefetch)) {
      for (int s = 0; s < run.steps; s++) {
        long tw = System.nanoTime();
        try {
          Batch b = batches.next();
          run.waitNanos += System.nanoTime() - tw;
          if (b == null) break;
          if (b.n() == 0) {   // every image of a streamed batch was skipped as bad
            run.batchesRun++;
            continue;
          }
          if (step(b, epoch, s, run, calls)) break;
        } finally {
          run.loopNanos += System.nanoTime() - tw;
        }
      }
    }
  }

  /** One step on batch {@code b} (closed here) with its listeners; true when the run is to stop. */
  private boolean step(Batch b, int epoch, int s, FitRun run, Calls calls) {
    calls.each(l -> l.onBatchStart(run, s, run.step));
    long ts = System.nanoTime();
    double[] values;
    try (b) {
      values = stepper.run(b.x(), b.y(), b.n(), run.step, run.lr);
    }
    run.stepNanos += System.nanoTime() - ts;
    run.step++;
    run.stepsRun++;
    BatchLogs logs = run.batchEnd(epoch, s, b.n(), (long) s * opt.batchSize, values);
    calls.each(l -> l.onBatchEnd(run, logs));
    if (opt.maxSteps > 0 && run.stepsRun >= opt.maxSteps) run.stop("max_steps");
    return run.stopReason() != null;
  }

  /** One training step in one process; returns {loss, accuracy} of the batch (for benchmarks; fit runs its own). */
  public double[] runStep(Tensor x, Tensor y, long step, double lr) {
    return runStep(new Tensor[] {x}, y, step, lr);
  }

  /** As {@link #runStep(Tensor, Tensor, long, double)} with one tensor per model input, in its order. */
  public double[] runStep(Tensor[] xs, Tensor y, long step, double lr) {
    return stepper.run(new Tensor[][] {xs}, new Tensor[] {y}, (int) y.shape().get(0), step, lr);
  }

  /** Zeroes the optimizer's slots (fit does this itself; for benchmarks that drive runStep). */
  public void initOptimizer() {
    if (slotInits.isEmpty()) return;
    Session.Runner r = rt.session().runner();
    slotInits.forEach(r::addTarget);
    r.run().close();
  }

  /**
   * A plain Session.Runner for the same training step with fixed feeds: the baseline that
   * {@code bench} compares {@link #runStep} with. Close its feeds with {@link #closeBare()}.
   */
  public Session.Runner bareRunner(Tensor x, Tensor y, double lr) {
    return bareRunner(new Tensor[] {x}, y, lr);
  }

  /** As {@link #bareRunner(Tensor, Tensor, double)} with one tensor per model input. */
  public Session.Runner bareRunner(Tensor[] xs, Tensor y, double lr) {
    return stepper.bare(xs, y, (int) y.shape().get(0), lr);
  }

  public void closeBare() {
    stepper.closeBare();
  }

  /**
   * The data with its inputs in the model's input order, each of the model input's shape: one
   * unnamed array feeds a model of one input; several are matched by name.
   */
  private Dataset checkData(Dataset d, String what) {
    List<Dataset.Input> aligned = DataAlignment.align(model, d.inputs(), what + " data");
    if (d.size() == 0) throw new BadInputException(what + " data: no examples");
    return new Dataset(aligned, d.y(), Targets.check(model, opt.loss, d, what + " data"));
  }

  public Operand<? extends TNumber> loss() {
    return objective.loss();
  }

  /** The targets' placeholder (int32 labels for a sparse loss). */
  public Placeholder<?> labels() {
    return objective.labels().get(0);
  }

  public Optimizer optimizer() {
    return optimizer;
  }

  @Override
  public void close() {
    stepper.close();
    rt.close();
  }
}
