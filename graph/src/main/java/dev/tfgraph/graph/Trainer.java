package dev.tfgraph.graph;

import dev.tfgraph.graph.Batches.Batch;
import dev.tfgraph.graph.data.Dataset;
import dev.tfgraph.graph.data.NpyArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.Result;
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
 * the trainer.
 */
public final class Trainer implements AutoCloseable {
  private final Model model;
  private final TrainOptions opt;
  private final Strategy strategy;
  private final ModelGraph mg;
  private final Optimizer optimizer;
  private final RunState runState;
  // handles the steps use (re-resolved when the strategy relocates the graph)
  private Objective objective;
  private Placeholder<? extends TNumber> learningRate;
  private Operation update;
  private final List<Operation> slotInits = new ArrayList<>();
  private final Steps stepper;

  /** Where a run stands: global step, steps run here, timings, the last batch's loss and accuracy. */
  private static final class Progress {
    long step;
    long stepsRun;
    long stepNanos;
    long waitNanos;
    double lastLoss = Double.NaN;
    double lastAcc = Double.NaN;
    String stop = "completed";
  }

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
    this.mg = strategy.graph(model, config);
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
    this.objective = strategy.objective(mg, xs, opt.loss);
    List<Output<?>> grads = objective.gradients();
    for (int i = 0; i < grads.size(); i++) {
      if (Gradients.isNone(grads.get(i))) throw new BadInputException("train: weight " + keys.get(i) + " does not affect the loss");
    }
    this.optimizer = new Optimizer(mg.tf(), opt.optimizer, mg.type(), vars, grads, List.of(), mg.stepSeed());
    this.runState = new RunState(mg, optimizer.slots());
    learningRate = optimizer.learningRate();
    update = optimizer.update().op();
    optimizer.slotInits().forEach(o -> slotInits.add(o.op()));
    strategy.open(mg, config, this::reresolve);
    this.stepper = new Steps(mg, objective, learningRate, update, opt.seed, strategy);
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

  public ModelGraph graph() {
    return mg;
  }

  /** Every variable of the run (weights and optimizer slots), as a checkpoint holds them. */
  public Map<String, NpyArray> state() {
    return runState.read();
  }

  /**
   * Trains on {@code train}; reports validation each epoch and test metrics at the end.
   * {@code initial} weights (may be null: fresh initial values, adapted layers adapted).
   */
  public TrainResult fit(Dataset train, Dataset test, Map<String, NpyArray> initial) {
    try {
      return fitHere(train, test, initial);
    } catch (TensorFlowException e) {
      throw strategy.failure("training", e);
    }
  }

  private TrainResult fitHere(Dataset train, Dataset test, Map<String, NpyArray> initial) {
    train = checkData(train, "training");
    if (test != null) test = checkData(test, "test");
    Dataset val = test;
    if (opt.validationSplit > 0) {
      Dataset[] split = holdOut(train);
      train = split[0];
      val = split[1];
    }
    Checkpoints.State state = start(train, initial);
    int steps = (int) ((train.size() + (long) opt.batchSize - 1) / opt.batchSize);   // long: no overflow at huge batch sizes
    List<TrainResult.Epoch> history = new ArrayList<>();
    Progress p = new Progress();
    p.step = state.step();
    // Resumed from a checkpoint that already holds every epoch: nothing left to train (the caller decides).
    if (opt.resume && state.epoch() >= opt.epochs) p.stop = "already_completed";
    long t0 = System.nanoTime();
    ExecutorService prefetch = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "tfgraph-prefetch");
      t.setDaemon(true);
      return t;
    });
    try (FitMonitor monitor = new FitMonitor(opt, steps)) {
      for (int epoch = state.epoch(); epoch < opt.epochs; epoch++) {
        double lr = runEpoch(train, epoch, steps, p, prefetch, monitor);
        TrainResult.Metrics v = validate(val, epoch);
        history.add(monitor.endEpoch(epoch, p.step, v, lr, w -> weight(w.key()), model.weights()));
        state = nextState(state, epoch, p.step, v);
        if (p.stop.equals("max_steps")) break;
        if (opt.checkpointDir != null) Checkpoints.save(opt.checkpointDir, state, state());
        if (opt.patience > 0 && state.badEpochs() >= opt.patience) {
          p.stop = "early_stopping";
          if (opt.progress) {
            System.err.println("tfgraph: early stopping after " + (epoch + 1) + " epochs (no val_loss improvement in " + state.badEpochs() + ")");
          }
          break;
        }
      }
    } finally {
      prefetch.shutdownNow();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    TrainResult.Metrics tm = test == null ? null : Evaluator.evaluate(mg, test, 512, opt.loss);
    TrainResult.Epoch last = history.isEmpty() ? null : history.get(history.size() - 1);
    Map<String, NpyArray> weights = mg.weights();
    WeightCheck.requireFinite(weights, model.dtype().equals("float64"), "training produced non-finite weights");
    return new TrainResult(history, p.stepsRun, seconds, p.stepsRun == 0 ? 0 : p.stepNanos / 1e6 / p.stepsRun,
        p.stepNanos == 0 ? 0 : 100.0 * p.waitNanos / p.stepNanos, last == null ? p.lastLoss : last.trainLoss(),
        last == null ? p.lastAcc : last.trainAccuracy(), tm, p.stop, weights);
  }

  /** {train, validation}: a seeded hold-out of validation_split of the training data. */
  private Dataset[] holdOut(Dataset train) {
    int[] o = Batches.order(train.size(), opt.seed, -1, true);
    int nv = (int) Math.round(train.size() * opt.validationSplit);
    if (nv == 0 || nv == train.size()) {
      throw new BadInputException("train: validation_split " + opt.validationSplit + " of " + train.size()
          + " training examples holds out " + nv + " for validation and leaves " + (train.size() - nv)
          + " for training; expected at least 1 of each (more data, or a larger split)");
    }
    return new Dataset[] {train.subset(Arrays.copyOfRange(o, nv, o.length)), train.subset(Arrays.copyOfRange(o, 0, nv))};
  }

  /** Resumes from the last checkpoint, or sets initial (or fresh, adapted) weights and zeroes the optimizer. */
  private Checkpoints.State start(Dataset train, Map<String, NpyArray> initial) {
    Checkpoints.removeLeftovers(opt.checkpointDir);
    Checkpoints.Loaded ck = opt.resume ? Checkpoints.load(opt.checkpointDir) : null;
    if (ck != null) {
      runState.restore(ck);
      Checkpoints.State s = ck.state();
      if (opt.progress) System.err.println("tfgraph: resumed from " + ck.file() + " (epoch " + s.epoch() + ", step " + s.step() + ")");
      return s;
    }
    Map<String, NpyArray> w = initial != null ? new LinkedHashMap<>(initial) : mg.initialValues(opt.seed);
    if (initial == null) Adaptation.run(model, mg, train, w);
    mg.setWeights(w);
    initOptimizer();
    return new Checkpoints.State(0, 0, Double.POSITIVE_INFINITY, 0);
  }

  /** The steps of one epoch, each batch prepared on the prefetch thread while the previous one runs; returns the last rate. */
  private double runEpoch(Dataset train, int epoch, int steps, Progress p, ExecutorService prefetch, FitMonitor monitor) {
    int[] order = Batches.order(train.size(), opt.seed, epoch, opt.shuffle);
    Batches.Flip flip = opt.augment.equals("flip") ? new Batches.Flip(opt.seed, epoch) : null;
    List<Shape> shapes = model.inputs().stream().map(InputSpec::shape).toList();
    int shards = strategy.shards();
    Shape targets = model.outputShape();
    IntFunction<Batch> batchAt = i -> Batches.of(train, order, i, opt.batchSize, shards, mg.type(), shapes, targets, flip);
    Future<Batch> next = prefetch.submit(() -> batchAt.apply(0));
    double lr = opt.learningRateAt(p.step, steps);
    monitor.startEpoch(epoch);
    for (int s = 0; s < steps; s++) {
      long tw = System.nanoTime();
      Batch b = get(next);
      p.waitNanos += System.nanoTime() - tw;
      final int ns = s + 1;
      if (ns < steps) next = prefetch.submit(() -> batchAt.apply(ns));
      lr = opt.learningRateAt(p.step, steps);
      long ts = System.nanoTime();
      double[] la;
      try (b) {
        la = stepper.run(b.x(), b.y(), b.n(), p.step, lr);
      }
      p.stepNanos += System.nanoTime() - ts;
      if (!Double.isFinite(la[0])) {
        throw new RunFailedException("non-finite loss " + la[0] + " at epoch " + (epoch + 1) + ", step " + (s + 1)
            + " of " + steps + " (global step " + (p.step + 1) + ", batch of examples " + (s * opt.batchSize) + ".."
            + (s * opt.batchSize + b.n() - 1) + " in this epoch's order); " + keptCheckpoint()
            + "; lower the learning rate or set a clip norm");
      }
      p.step++;
      p.stepsRun++;
      monitor.step(p.step, b.n(), la, lr);
      p.lastLoss = la[0];
      p.lastAcc = la[1];
      if (opt.maxSteps > 0 && p.stepsRun >= opt.maxSteps) {
        p.stop = "max_steps";
        break;
      }
    }
    return lr;
  }

  /** Validation (or test) metrics after an epoch; a non-finite loss ends the run. */
  private TrainResult.Metrics validate(Dataset val, int epoch) {
    TrainResult.Metrics v = val == null ? null : Evaluator.evaluate(mg, val, 512, opt.loss);
    if (v != null && !Double.isFinite(v.loss())) {
      String split = opt.validationSplit > 0 ? "validation" : "test";
      throw new RunFailedException("non-finite " + split + " loss " + v.loss() + " after epoch " + (epoch + 1)
          + " (the training loss was finite: the " + split + " data drives the model out of float range); " + keptCheckpoint());
    }
    return v;
  }

  /** The state after an epoch: early stopping counts epochs without a better validation loss. */
  private Checkpoints.State nextState(Checkpoints.State state, int epoch, long step, TrainResult.Metrics v) {
    double best = state.bestValLoss();
    int bad = state.badEpochs();
    if (opt.validationSplit > 0 && v != null) {
      if (v.loss() < best) {
        best = v.loss();
        bad = 0;
      } else {
        bad++;
      }
    }
    return new Checkpoints.State(epoch + 1, step, best, bad);
  }

  private String keptCheckpoint() {
    return opt.checkpointDir != null ? "the last good checkpoint in " + opt.checkpointDir + " is kept" : "no checkpoint was kept";
  }

  private float[] weight(String key) {
    try (Result r = mg.session().runner().fetch(mg.variables().get(key)).run()) {
      return Tensors.toFloats(r.get(0));
    }
  }

  private static Batch get(Future<Batch> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RunFailedException("interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) throw re;
      throw new RunFailedException("preparing a batch failed: " + e.getCause(), e.getCause());
    }
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
    Session.Runner r = mg.session().runner();
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
    mg.close();
  }
}
