package dev.tfgraph.graph;

import dev.tfgraph.graph.Batches.Batch;
import dev.tfgraph.graph.data.Dataset;
import dev.tfgraph.graph.data.NpyArray;
import dev.tfgraph.graph.dist.ClusterFailure;
import dev.tfgraph.graph.dist.ClusterSpec;
import dev.tfgraph.graph.dist.Placement;
import dev.tfgraph.graph.dist.RemoteSession;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;
import org.tensorflow.types.family.TType;

/**
 * The training loop: the {@link Objective}'s gradients on trainable weights only, TF's fused
 * optimizer kernels, seeded shuffling and dropout (stateless, from (seed, step), so a resumed run
 * continues exactly), the next batch prepared while the current step runs, checkpoints every
 * epoch. With {@code options.cluster}, the graph is replicated data-parallel and placed on the
 * cluster (see {@link Objective#replicated} and {@link Placement}).
 */
public final class Trainer implements AutoCloseable {
  private final Model model;
  private final TrainOptions opt;
  private final ModelGraph mg;
  private final Optimizer optimizer;
  private final List<String> stateKeys = new ArrayList<>();
  // handles the steps use (re-resolved when the graph is placed on a cluster)
  private Objective objective;
  private Placeholder<? extends TNumber> learningRate;
  private Operation update;
  private final List<Operation> slotInits = new ArrayList<>();
  private final List<Variable<? extends TType>> stateVars = new ArrayList<>();
  private final List<Placeholder<?>> slotValues = new ArrayList<>();
  private final List<Operation> slotAssigns = new ArrayList<>();
  private final Steps stepper;

  @SuppressWarnings({"unchecked", "rawtypes"})
  public Trainer(Model model, TrainOptions options) {
    this.model = model;
    this.opt = options.validate();
    Shape out = model.outputShape();
    if (out.numDimensions() != 2) {
      throw new BadInputException("train: the model's output must be [batch, classes], received "
          + Shapes.show(out) + "; end the model with a Dense layer");
    }
    if (opt.augment.equals("flip") && (model.inputs().size() != 1 || model.input().shape().numDimensions() != 4)) {
      throw new BadInputException("train: augment flip mirrors images: expected one model input of shape"
          + " [batch, height, width, channels], received " + model.inputs().size() + " input(s), the first "
          + model.input().name() + " " + Shapes.show(model.input().shape()));
    }
    ClusterSpec cluster = opt.cluster;
    this.mg = cluster == null ? ModelGraph.training(model, sessionConfig(options))
        : ModelGraph.replicated(model, cluster.replicas().size());
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
    this.objective = cluster == null ? Objective.single(mg, xs) : Objective.replicated(mg, xs);
    List<Output<?>> grads = objective.gradients();
    for (int i = 0; i < grads.size(); i++) {
      if (Gradients.isNone(grads.get(i))) throw new BadInputException("train: weight " + keys.get(i) + " does not affect the loss");
    }
    this.optimizer = new Optimizer(mg.tf(), opt.optimizer, mg.type(), vars, grads, List.of(), mg.stepSeed());
    stateKeys.addAll(mg.variables().keySet());
    stateVars.addAll(mg.variables().values());
    optimizer.slots().forEach((k, v) -> {
      stateKeys.add("optimizer." + k);
      stateVars.add(v);
    });
    // Restoring a checkpoint feeds the optimizer's slots through these, made once: no ops are
    // added per restore, and float64 state goes in as float64.
    for (int i = mg.variables().size(); i < stateVars.size(); i++) {
      Variable v = stateVars.get(i);
      Placeholder p = mg.tf().withName(v.op().name() + "__restore").placeholder(v.type(), Placeholder.shape(v.shape()));
      slotValues.add(p);
      slotAssigns.add(mg.tf().assign(v, p).op());
    }
    learningRate = optimizer.learningRate();
    update = optimizer.update().op();
    optimizer.slotInits().forEach(o -> slotInits.add(o.op()));
    if (cluster != null) placeOnCluster(cluster);
    this.stepper = new Steps(mg, objective, learningRate, update, opt.seed, cluster, opt.stepTimeoutMs);
  }

  /** Places the graph on the cluster (see {@link Placement}), opens the remote session, re-resolves handles. */
  private void placeOnCluster(ClusterSpec cluster) {
    Map<String, Long> sizes = new LinkedHashMap<>();
    for (WeightSpec w : model.weights()) sizes.put(w.varName(), w.shape().size());
    Placement placement = Placement.of(cluster, sizes);
    String target = "grpc://" + cluster.address(cluster.chief());
    ConfigProto config = sessionConfig(opt);
    mg.relocate(placement::apply, g -> RemoteSession.open(g, target, config), this::reresolve);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void reresolve() {
    objective = objective.relocated(mg);
    learningRate = new Placeholder<>(mg.graph().operation(learningRate.op().name()));
    update = mg.graph().operation(update.name());
    slotInits.replaceAll(o -> mg.graph().operation(o.name()));
    stateVars.replaceAll(v -> new Variable<>(mg.graph().operation(v.op().name())));
    slotValues.replaceAll(p -> new Placeholder<>(mg.graph().operation(p.op().name())));
    slotAssigns.replaceAll(o -> mg.graph().operation(o.name()));
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
    Map<String, NpyArray> out = new LinkedHashMap<>();
    Session.Runner r = mg.session().runner();
    stateVars.forEach(r::fetch);
    try (Result res = r.run()) {
      for (int i = 0; i < stateKeys.size(); i++) {
        Tensor t = res.get(i);
        out.put(stateKeys.get(i), mg.type() == TFloat64.class ? NpyArray.ofDoubles(t.shape().asArray(), Tensors.toDoubles(t))
            : NpyArray.ofFloats(t.shape().asArray(), Tensors.toFloats(t)));
      }
    }
    return out;
  }

  /** A checkpoint of another model or optimizer is bad input (exit 2), named by its first mismatch. */
  private void restoreState(Checkpoints.Loaded ck) {
    Map<String, NpyArray> state = ck.variables();
    String source = "resume: checkpoint " + ck.file() + " is not of this model";
    Map<String, NpyArray> weights = new LinkedHashMap<>();
    for (String k : mg.variables().keySet()) {
      if (state.containsKey(k)) weights.put(k, state.get(k));
    }
    WeightCheck.check(model, weights, source);
    mg.setWeights(weights);
    Session.Runner r = mg.session().runner();
    List<Tensor> feeds = new ArrayList<>();
    int nw = mg.variables().size();
    try {
      for (int i = nw; i < stateKeys.size(); i++) {
        NpyArray a = state.get(stateKeys.get(i));
        if (a == null) {
          throw new BadInputException("resume: checkpoint " + ck.file() + " lacks " + stateKeys.get(i) + " (written with another optimizer?)");
        }
        long[] want = stateVars.get(i).shape().asArray();
        if (!Arrays.equals(a.shape(), want)) {
          throw new BadInputException("resume: checkpoint " + ck.file() + ": " + stateKeys.get(i) + " has shape " + a.shapeString()
              + ", expected " + Arrays.toString(want));
        }
        Tensor t = mg.type() == TFloat64.class ? Tensors.of(mg.type(), Shape.of(a.shape()), a.toDoubles())
            : Tensors.of(mg.type(), Shape.of(a.shape()), a.toFloats());
        feeds.add(t);
        r.feed(slotValues.get(i - nw), t).addTarget(slotAssigns.get(i - nw));
      }
      if (!r.isEmpty()) r.run().close();
    } finally {
      feeds.forEach(Tensor::close);
    }
  }

  /**
   * Trains on {@code train}; reports validation each epoch and test metrics at the end.
   * {@code initial} weights (may be null: fresh initial values, adapted layers adapted).
   */
  public TrainResult fit(Dataset train, Dataset test, Map<String, NpyArray> initial) {
    if (opt.cluster == null) return fitHere(train, test, initial);
    try {
      return fitHere(train, test, initial);
    } catch (TensorFlowException e) {
      throw ClusterFailure.of(opt.cluster, "training", e);
    }
  }

  private TrainResult fitHere(Dataset train, Dataset test, Map<String, NpyArray> initial) {
    train = checkData(train, "training");
    if (test != null) test = checkData(test, "test");
    Dataset val = test;
    if (opt.validationSplit > 0) {
      int[] o = Batches.order(train.size(), opt.seed, -1, true);
      int nv = (int) Math.round(train.size() * opt.validationSplit);
      if (nv == 0 || nv == train.size()) {
        throw new BadInputException("train: validation_split " + opt.validationSplit + " of " + train.size()
            + " training examples holds out " + nv + " for validation and leaves " + (train.size() - nv)
            + " for training; expected at least 1 of each (more data, or a larger split)");
      }
      val = train.subset(Arrays.copyOfRange(o, 0, nv));
      train = train.subset(Arrays.copyOfRange(o, nv, o.length));
    }
    Checkpoints.State state = new Checkpoints.State(0, 0, Double.POSITIVE_INFINITY, 0);
    Checkpoints.removeLeftovers(opt.checkpointDir);
    Checkpoints.Loaded ck = opt.resume ? Checkpoints.load(opt.checkpointDir) : null;
    if (ck != null) {
      restoreState(ck);
      state = ck.state();
      if (opt.progress) System.err.println("tfgraph: resumed from " + ck.file() + " (epoch " + state.epoch() + ", step " + state.step() + ")");
    } else {
      Map<String, NpyArray> w = initial != null ? new LinkedHashMap<>(initial) : mg.initialValues(opt.seed);
      if (initial == null) Adaptation.run(model, mg, train, w);
      mg.setWeights(w);
      initOptimizer();
    }
    int steps = (int) ((train.size() + (long) opt.batchSize - 1) / opt.batchSize);   // long: no overflow at huge batch sizes
    long totalSteps = (long) steps * opt.epochs;
    List<TrainResult.Epoch> history = new ArrayList<>();
    long step = state.step();
    long stepsRun = 0;
    double lastLoss = Double.NaN, lastAcc = Double.NaN;
    // Resumed from a checkpoint that already holds every epoch: nothing left to train (the caller decides).
    String stop = ck != null && state.epoch() >= opt.epochs ? "already_completed" : "completed";
    long t0 = System.nanoTime();
    long stepNanos = 0, waitNanos = 0;
    int parts = Math.max(1, mg.replicas());
    ExecutorService prefetch = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "tfgraph-prefetch");
      t.setDaemon(true);
      return t;
    });
    try (FitMonitor monitor = new FitMonitor(opt, steps)) {
      for (int epoch = state.epoch(); epoch < opt.epochs; epoch++) {
        int[] order = Batches.order(train.size(), opt.seed, epoch, opt.shuffle);
        final Dataset tr = train;
        Batches.Flip flip = opt.augment.equals("flip") ? new Batches.Flip(opt.seed, epoch) : null;
        List<Shape> shapes = model.inputs().stream().map(InputSpec::shape).toList();
        java.util.function.IntFunction<Batch> batchAt = i -> Batches.of(tr, order, i, opt.batchSize, parts, mg.type(), shapes, flip);
        Future<Batch> next = prefetch.submit(() -> batchAt.apply(0));
        double lr = opt.learningRate(epoch, 0);
        monitor.startEpoch(epoch);
        for (int s = 0; s < steps; s++) {
          long tw = System.nanoTime();
          Batch b = get(next);
          waitNanos += System.nanoTime() - tw;
          final int ns = s + 1;
          if (ns < steps) next = prefetch.submit(() -> batchAt.apply(ns));
          lr = opt.learningRate(epoch, totalSteps == 0 ? 0 : (double) step / totalSteps);
          long ts = System.nanoTime();
          double[] la;
          try (b) {
            la = mg.replicas() == 0 ? stepper.run(b.x()[0], b.y()[0], step, lr) : stepper.runShards(b, step, lr);
          }
          stepNanos += System.nanoTime() - ts;
          if (!Double.isFinite(la[0])) {
            throw new RunFailedException("non-finite loss " + la[0] + " at epoch " + (epoch + 1) + ", step " + (s + 1)
                + " of " + steps + " (global step " + (step + 1) + ", batch of examples " + (s * opt.batchSize) + ".."
                + (s * opt.batchSize + b.n() - 1) + " in this epoch's order); "
                + (opt.checkpointDir != null ? "the last good checkpoint in " + opt.checkpointDir + " is kept" : "no checkpoint was kept")
                + "; lower the learning rate or set a clip norm");
          }
          step++;
          stepsRun++;
          monitor.step(step, b.n(), la, lr);
          lastLoss = la[0];
          lastAcc = la[1];
          if (opt.maxSteps > 0 && stepsRun >= opt.maxSteps) {
            stop = "max_steps";
            break;
          }
        }
        TrainResult.Metrics v = val == null ? null : Evaluator.evaluate(mg, val, 512);
        if (v != null && !Double.isFinite(v.loss())) {
          String split = opt.validationSplit > 0 ? "validation" : "test";
          throw new RunFailedException("non-finite " + split + " loss " + v.loss() + " after epoch " + (epoch + 1)
              + " (the training loss was finite: the " + split + " data drives the model out of float range); "
              + (opt.checkpointDir != null ? "the last good checkpoint in " + opt.checkpointDir + " is kept" : "no checkpoint was kept"));
        }
        history.add(monitor.endEpoch(epoch, step, v, lr, w -> weight(w.key()), model.weights()));
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
        state = new Checkpoints.State(epoch + 1, step, best, bad);
        if (stop.equals("max_steps")) break;
        if (opt.checkpointDir != null) Checkpoints.save(opt.checkpointDir, state, state());
        if (opt.patience > 0 && bad >= opt.patience) {
          stop = "early_stopping";
          if (opt.progress) System.err.println("tfgraph: early stopping after " + (epoch + 1) + " epochs (no val_loss improvement in " + bad + ")");
          break;
        }
      }
    } finally {
      prefetch.shutdownNow();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    TrainResult.Metrics tm = test == null ? null : Evaluator.evaluate(mg, test, 512);
    TrainResult.Epoch last = history.isEmpty() ? null : history.get(history.size() - 1);
    Map<String, NpyArray> weights = mg.weights();
    WeightCheck.requireFinite(weights, model.dtype().equals("float64"), "training produced non-finite weights");
    return new TrainResult(history, stepsRun, seconds, stepsRun == 0 ? 0 : stepNanos / 1e6 / stepsRun,
        stepNanos == 0 ? 0 : 100.0 * waitNanos / stepNanos, last == null ? lastLoss : last.trainLoss(),
        last == null ? lastAcc : last.trainAccuracy(), tm, stop, weights);
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
  public double[] runStep(Tensor x, TInt32 y, long step, double lr) {
    return stepper.run(new Tensor[] {x}, y, step, lr);
  }

  /** As {@link #runStep(Tensor, TInt32, long, double)} with one tensor per model input, in its order. */
  public double[] runStep(Tensor[] xs, TInt32 y, long step, double lr) {
    return stepper.run(xs, y, step, lr);
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
  public Session.Runner bareRunner(Tensor x, TInt32 y, double lr) {
    return stepper.bare(new Tensor[] {x}, y, lr);
  }

  /** As {@link #bareRunner(Tensor, TInt32, double)} with one tensor per model input. */
  public Session.Runner bareRunner(Tensor[] xs, TInt32 y, double lr) {
    return stepper.bare(xs, y, lr);
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
    int classes = model.numOutputs();
    for (int i = 0; i < d.y().length; i++) {
      if (d.y()[i] < 0 || d.y()[i] >= classes) {
        throw new BadInputException(what + " data: label " + d.y()[i] + " of example " + i + " is outside [0, " + classes + ")");
      }
    }
    return new Dataset(aligned, d.y());
  }

  public Operand<? extends TNumber> loss() {
    return objective.loss();
  }

  public Placeholder<TInt32> labels() {
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
