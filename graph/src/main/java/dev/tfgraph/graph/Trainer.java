package dev.tfgraph.graph;

import dev.tfgraph.graph.data.Dataset;
import dev.tfgraph.graph.data.NpyArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import dev.tfgraph.graph.dist.ClusterSpec;
import dev.tfgraph.graph.dist.Placement;
import dev.tfgraph.graph.dist.RemoteSession;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import dev.tfgraph.graph.dist.ClusterFailure;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;
import org.tensorflow.types.family.TType;

/**
 * The training loop: mean sparse categorical cross-entropy (one-hot + fused
 * SoftmaxCrossEntropyWithLogits on the logits) plus regularization, gradients by
 * {@code addGradients} on trainable weights only, TF's fused optimizer kernels, seeded
 * shuffling and dropout (stateless, from (seed, step), so a resumed run continues exactly),
 * the next batch prepared while the current step runs, checkpoints every epoch.
 */
public final class Trainer implements AutoCloseable {
  private final Model model;
  private final TrainOptions opt;
  private final ModelGraph mg;
  private final Optimizer optimizer;
  private final List<String> stateKeys = new ArrayList<>();
  // handles the steps use (re-resolved when the graph is placed on a cluster)
  private Placeholder<TInt32> labels;
  private final List<Placeholder<TInt32>> replicaLabels = new ArrayList<>();
  private Placeholder<? extends TNumber> exampleCount;
  private Operand<? extends TNumber> loss;
  private Operand<? extends TNumber> accuracy;
  private Placeholder<? extends TNumber> learningRate;
  private Operation update;
  private final List<Operation> slotInits = new ArrayList<>();
  private final List<Variable<? extends TType>> stateVars = new ArrayList<>();

  @SuppressWarnings({"unchecked", "rawtypes"})
  public Trainer(Model model, TrainOptions options) {
    this.model = model;
    this.opt = options.validate();
    Shape out = model.outputShape();
    if (out.numDimensions() != 2) {
      throw new BadInputException("train: the model's output must be [batch, classes], received "
          + Shapes.show(out) + "; end the model with a Dense layer");
    }
    ClusterSpec cluster = opt.cluster;
    this.mg = cluster == null ? ModelGraph.training(model, sessionConfig(options))
        : ModelGraph.replicated(model, cluster.replicas().size());
    Ops tf = mg.tf();
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
    List<Output<?>> grads;
    if (cluster == null) {
      Operand logits = mg.trainLogits();
      labels = tf.withName("labels").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
      Operand ce = tf.math.mean(crossEntropy(tf, logits, labels), tf.constant(0));
      Operand reg = mg.regularizationLoss();
      this.loss = tf.withName("loss").identity(reg == null ? ce : tf.math.add(ce, reg));
      this.accuracy = tf.withName("accuracy").math.mean(hits(tf, logits, labels), tf.constant(0));
      grads = List.of(mg.graph().addGradients(loss.asOutput(), xs));
    } else {
      grads = replicatedLossAndGradients(tf, xs);
    }
    for (int i = 0; i < grads.size(); i++) {
      if (Gradients.isNone(grads.get(i))) throw new BadInputException("train: weight " + keys.get(i) + " does not affect the loss");
    }
    this.optimizer = new Optimizer(tf, opt.optimizer, mg.type(), vars, grads, List.of(), mg.stepSeed());
    stateKeys.addAll(mg.variables().keySet());
    stateVars.addAll(mg.variables().values());
    optimizer.slots().forEach((k, v) -> {
      stateKeys.add("optimizer." + k);
      stateVars.add(v);
    });
    learningRate = optimizer.learningRate();
    update = optimizer.update().op();
    optimizer.slotInits().forEach(o -> slotInits.add(o.op()));
    if (cluster != null) placeOnCluster(cluster);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Operand crossEntropy(Ops tf, Operand logits, Operand<TInt32> y) {
    Operand oneHot = tf.oneHot(y, tf.constant((int) logits.shape().get(1)),
        tf.constantOfSameType(logits, 1), tf.constantOfSameType(logits, 0));
    return tf.nn.softmaxCrossEntropyWithLogits(logits, oneHot).loss();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Operand hits(Ops tf, Operand logits, Operand<TInt32> y) {
    return tf.dtypes.cast(tf.math.equal(tf.math.argMax(logits, tf.constant(1)), tf.dtypes.cast(y, TInt64.class)),
        (Class) logits.type());
  }

  /**
   * Data-parallel loss: replica i holds rows [i·n/R, (i+1)·n/R) of the batch of n; its loss is
   * its sum of cross-entropies / n (plus the regularization on replica 0), so the sum over
   * replicas is exactly the single-process mean over the whole batch, whatever the shard sizes.
   * Each replica's gradients are its own ops (placed on its task); their sum per weight is the
   * step's gradient (placed with the weight), in a fixed order: the result does not depend on timing.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private List<Output<?>> replicatedLossAndGradients(Ops tf, Output<?>[] xs) {
    exampleCount = tf.withName("example_count").placeholder(mg.type(), Placeholder.shape(Shape.scalar()));
    List<Operand> losses = new ArrayList<>();
    List<Operand> hitCounts = new ArrayList<>();
    List<Output<?>[]> perReplica = new ArrayList<>();
    for (int i = 0; i < mg.replicas(); i++) {
      Ops r = tf.withSubScope("replica_" + i);
      Operand logits = mg.replicaLogits().get(i);
      Placeholder<TInt32> y = r.withName("labels").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
      replicaLabels.add(y);
      Operand li = r.math.div(r.reduceSum(crossEntropy(r, logits, y), r.constant(0)), exampleCount);
      if (i == 0 && mg.regularizationLoss() != null) li = r.math.add(li, mg.regularizationLoss());
      li = r.withName("loss").identity(li);
      losses.add(li);
      hitCounts.add(r.reduceSum(hits(r, logits, y), r.constant(0)));
      perReplica.add(mg.graph().addGradients("replica_" + i + "/gradients", new Output<?>[] {li.asOutput()}, xs, null));
    }
    this.loss = tf.withName("loss").math.addN((Iterable) losses);
    this.accuracy = tf.withName("accuracy").math.div(tf.math.addN((Iterable) hitCounts), (Operand) exampleCount);
    List<Output<?>> grads = new ArrayList<>();
    for (int v = 0; v < xs.length; v++) {
      List<Operand> parts = new ArrayList<>();
      for (Output<?>[] g : perReplica) {
        if (Gradients.isNone(g[v])) {
          parts = null;
          break;
        }
        parts.add((Operand) g[v]);
      }
      if (parts == null) {
        grads.add(perReplica.get(0)[v]);
        continue;
      }
      String name = xs[v].op().name() + "__grad";
      grads.add(parts.size() == 1 ? tf.withName(name).identity(parts.get(0)).asOutput()
          : tf.withName(name).math.addN((Iterable) parts).asOutput());
    }
    return grads;
  }

  /** Places the graph on the cluster (see {@link Placement}), opens the remote session, re-resolves handles. */
  @SuppressWarnings({"unchecked", "rawtypes"})
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
    replicaLabels.replaceAll(p -> new Placeholder<>(mg.graph().operation(p.op().name())));
    exampleCount = new Placeholder<>(mg.graph().operation(exampleCount.op().name()));
    loss = mg.same((Operand) loss);
    accuracy = mg.same((Operand) accuracy);
    learningRate = new Placeholder<>(mg.graph().operation(learningRate.op().name()));
    update = mg.graph().operation(update.name());
    slotInits.replaceAll(o -> mg.graph().operation(o.name()));
    stateVars.replaceAll(v -> new Variable<>(mg.graph().operation(v.op().name())));
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
        out.put(stateKeys.get(i), NpyArray.ofFloats(t.shape().asArray(), Tensors.toFloats(t)));
      }
    }
    return out;
  }

  private void restoreState(Map<String, NpyArray> state) {
    Map<String, NpyArray> weights = new LinkedHashMap<>();
    for (String k : mg.variables().keySet()) weights.put(k, state.get(k));
    if (weights.containsValue(null)) throw new RunFailedException("checkpoint does not match this model");
    mg.setWeights(weights);
    Ops tf = mg.tf();
    Session.Runner r = mg.session().runner();
    List<Tensor> feeds = new ArrayList<>();
    try {
      for (int i = mg.variables().size(); i < stateKeys.size(); i++) {
        NpyArray a = state.get(stateKeys.get(i));
        if (a == null) throw new RunFailedException("checkpoint lacks " + stateKeys.get(i) + " (another optimizer?)");
        Tensor t = Tensors.of(mg.type(), Shape.of(a.shape()), a.toFloats());
        feeds.add(t);
        r.addTarget(assignOp(tf, stateVars.get(i), t));
      }
      if (!r.isEmpty()) r.run().close();
    } finally {
      feeds.forEach(Tensor::close);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Op assignOp(Ops tf, Variable v, Tensor t) {
    return tf.assign(v, tf.constantOf((TType) t));
  }

  /** Runs PrototypeKernel-style {@link Adaptable} layers on the training data, in order. */
  private void adapt(Dataset train, Map<String, NpyArray> weights) {
    List<Layer> layers = model.layers();
    for (int i = 0; i < layers.size(); i++) {
      if (!(layers.get(i) instanceof Adaptable a)) continue;
      mg.setWeights(weights);
      float[] in = fetchAll(mg.layerInputs().get(i), train);
      Map<String, double[]> values = a.adapt(in, train.size(), train.y(), Math.max(train.numClasses(), model.numOutputs()));
      for (var e : values.entrySet()) {
        String key = layers.get(i).name() + "." + e.getKey();
        weights.put(key, NpyArray.ofDoubles(weights.get(key).shape(), e.getValue()));
      }
    }
  }

  private float[] fetchAll(Operand<?> op, Dataset d) {
    if (op == mg.input()) return d.x();
    long in = d.exampleSize();
    int b = 512;
    List<float[]> parts = new ArrayList<>();
    int total = 0;
    for (int from = 0; from < d.size(); from += b) {
      int n = Math.min(b, d.size() - from);
      try (Tensor x = Tensors.rows(mg.type(), model.input().shape(), d.x(), from, n, in);
          Result r = mg.session().runner().feed(mg.input(), x).fetch(op).run()) {
        float[] f = Tensors.toFloats(r.get(0));
        parts.add(f);
        total += f.length;
      }
    }
    float[] out = new float[total];
    int off = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, out, off, p.length);
      off += p.length;
    }
    return out;
  }

  /** One batch: a single (x, y) pair, or one pair per replica (row shards) in a replicated graph. */
  private record Batch(Tensor[] x, TInt32[] y, int n) implements AutoCloseable {
    @Override
    public void close() {
      for (Tensor t : x) t.close();
      for (Tensor t : y) t.close();
    }
  }

  private Batch batch(Dataset d, int[] order, int step) {
    int B = opt.batchSize;
    int from = step * B;
    int n = Math.min(B, order.length - from);
    int es = Math.toIntExact(d.exampleSize());
    float[] x = new float[n * es];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      int src = order[from + i];
      System.arraycopy(d.x(), src * es, x, i * es, es);
      y[i] = d.y()[src];
    }
    int parts = Math.max(1, mg.replicas());
    Tensor[] xs = new Tensor[parts];
    TInt32[] ys = new TInt32[parts];
    for (int r = 0; r < parts; r++) {
      int lo = shardStart(n, parts, r), hi = shardStart(n, parts, r + 1);
      xs[r] = Tensors.rows(mg.type(), model.input().shape(), x, lo, hi - lo, es);
      ys[r] = Tensors.labels(y, lo, hi - lo);
    }
    return new Batch(xs, ys, n);
  }

  /** Replica r of R takes rows [r·n/R, (r+1)·n/R) of a batch of n. */
  static int shardStart(int n, int replicas, int r) {
    return (int) ((long) r * n / replicas);
  }

  static int[] order(int n, long seed, int epoch, boolean shuffle) {
    int[] o = new int[n];
    for (int i = 0; i < n; i++) o[i] = i;
    if (!shuffle) return o;
    SplittableRandom r = new SplittableRandom(seed * 1_000_003L + epoch);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = o[i];
      o[i] = o[j];
      o[j] = t;
    }
    return o;
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
    checkData(train, "training");
    if (test != null) checkData(test, "test");
    Dataset val = test;
    if (opt.validationSplit > 0) {
      int[] o = order(train.size(), opt.seed, -1, true);
      int nv = (int) Math.round(train.size() * opt.validationSplit);
      val = train.subset(java.util.Arrays.copyOfRange(o, 0, nv));
      train = train.subset(java.util.Arrays.copyOfRange(o, nv, o.length));
    }
    Checkpoints.State state = new Checkpoints.State(0, 0, Double.POSITIVE_INFINITY, 0);
    Checkpoints.Loaded ck = opt.resume ? Checkpoints.load(opt.checkpointDir) : null;
    if (ck != null) {
      restoreState(ck.variables());
      state = ck.state();
      if (opt.progress) System.err.println("tfgraph: resumed from " + ck.file() + " (epoch " + state.epoch() + ", step " + state.step() + ")");
    } else {
      Map<String, NpyArray> w = initial != null ? new LinkedHashMap<>(initial) : mg.initialValues(opt.seed);
      if (initial == null) adapt(train, w);
      mg.setWeights(w);
      initOptimizer();
    }
    int steps = (train.size() + opt.batchSize - 1) / opt.batchSize;
    long totalSteps = (long) steps * opt.epochs;
    List<TrainResult.Epoch> history = new ArrayList<>();
    long step = state.step();
    long stepsRun = 0;
    double lastLoss = Double.NaN, lastAcc = Double.NaN;
    String stop = "completed";
    long t0 = System.nanoTime();
    long stepNanos = 0;
    long waitNanos = 0;
    EventLog log = opt.logDir == null ? null : new EventLog(opt.logDir);
    ExecutorService prefetch = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "tfgraph-prefetch");
      t.setDaemon(true);
      return t;
    });
    try {
      epochs:
      for (int epoch = state.epoch(); epoch < opt.epochs; epoch++) {
        long te = System.nanoTime();
        int[] order = order(train.size(), opt.seed, epoch, opt.shuffle);
        final Dataset tr = train;
        Future<Batch> next = prefetch.submit(() -> batch(tr, order, 0));
        double sumLoss = 0, sumAcc = 0;
        int seen = 0;
        double lr = opt.learningRate(epoch, 0);
        ProgressBar pb = opt.progress ? new ProgressBarBuilder().setTaskName("epoch " + (epoch + 1) + "/" + opt.epochs)
            .setInitialMax(steps).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500)
            .setConsumer(new ConsoleProgressBarConsumer(System.err)).continuousUpdate().build() : null;
        try {
          for (int s = 0; s < steps; s++) {
            long tw = System.nanoTime();
            Batch b = get(next);
            waitNanos += System.nanoTime() - tw;
            final int ns = s + 1;
            if (ns < steps) next = prefetch.submit(() -> batch(tr, order, ns));
            lr = opt.learningRate(epoch, totalSteps == 0 ? 0 : (double) step / totalSteps);
            long ts = System.nanoTime();
            double[] la;
            try (b) {
              la = mg.replicas() == 0 ? runStep(b.x()[0], b.y()[0], step, lr) : runShards(b, step, lr);
            }
            stepNanos += System.nanoTime() - ts;
            if (!Double.isFinite(la[0])) {
              throw new RunFailedException("non-finite loss " + la[0] + " at epoch " + (epoch + 1) + ", step " + (s + 1)
                  + " of " + steps + " (global step " + (step + 1) + ", batch of examples " + (s * opt.batchSize) + ".."
                  + (s * opt.batchSize + b.n() - 1) + " in this epoch's order); "
                  + (opt.checkpointDir != null ? "the last good checkpoint in " + opt.checkpointDir + " is kept" : "no checkpoint was kept")
                  + "; lower the learning rate or set a clip norm");
            }
            sumLoss += la[0] * b.n();
            sumAcc += la[1] * b.n();
            seen += b.n();
            step++;
            stepsRun++;
            lastLoss = la[0];
            if (log != null) {
              log.scalar("train/loss", step, la[0]);
              log.scalar("train/accuracy", step, la[1]);
              log.scalar("train/learning_rate", step, lr);
            }
            lastAcc = la[1];
            if (pb != null) {
              pb.step();
              double secs = (System.nanoTime() - te) / 1e9;
              pb.setExtraMessage(String.format(" loss %.4f acc %.4f %.0f ex/s", sumLoss / seen, sumAcc / seen, seen / secs));
            }
            if (opt.maxSteps > 0 && stepsRun >= opt.maxSteps) {
              stop = "max_steps";
              break;
            }
          }
        } finally {
          if (pb != null) pb.close();
        }
        TrainResult.Metrics v = val == null ? null : Evaluator.evaluate(mg, val, 512);
        double secs = (System.nanoTime() - te) / 1e9;
        history.add(new TrainResult.Epoch(epoch + 1, sumLoss / Math.max(seen, 1), sumAcc / Math.max(seen, 1),
            v == null ? Double.NaN : v.loss(), v == null ? Double.NaN : v.accuracy(), lr, secs));
        if (opt.progress) {
          System.err.printf("epoch %d/%d: loss %.4f acc %.4f%s (%.1f s)%n", epoch + 1, opt.epochs, sumLoss / Math.max(seen, 1),
              sumAcc / Math.max(seen, 1), v == null ? "" : String.format(" %s_loss %.4f %s_acc %.4f",
                  opt.validationSplit > 0 ? "val" : "test", v.loss(), opt.validationSplit > 0 ? "val" : "test", v.accuracy()), secs);
        }
        if (log != null) {
          if (v != null) {
            String split = opt.validationSplit > 0 ? "val" : "test";
            log.scalar(split + "/loss", step, v.loss());
            log.scalar(split + "/accuracy", step, v.accuracy());
          }
          for (WeightSpec w : model.weights()) {
            if (w.trainable()) log.histogram(w.key(), step, mgWeight(w.key()));
          }
          log.flush();
        }
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
        if (opt.checkpointDir != null && !stop.equals("max_steps")) Checkpoints.save(opt.checkpointDir, state, state());
        if (stop.equals("max_steps")) break;
        if (opt.patience > 0 && bad >= opt.patience) {
          stop = "early_stopping";
          if (opt.progress) System.err.println("tfgraph: early stopping after " + (epoch + 1) + " epochs (no val_loss improvement in " + bad + ")");
          break epochs;
        }
      }
    } finally {
      prefetch.shutdownNow();
      if (log != null) log.close();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    TrainResult.Metrics tm = test == null ? null : Evaluator.evaluate(mg, test, 512);
    return new TrainResult(history, stepsRun, seconds, stepsRun == 0 ? 0 : stepNanos / 1e6 / stepsRun,
        stepNanos == 0 ? 0 : 100.0 * waitNanos / stepNanos,
        history.isEmpty() ? lastLoss : history.get(history.size() - 1).trainLoss(),
        history.isEmpty() ? lastAcc : history.get(history.size() - 1).trainAccuracy(), tm, stop, mg.weights());
  }

  private float[] mgWeight(String key) {
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

  private double lastLr = Double.NaN;
  private Tensor lrTensor;
  private TInt64 seedTensor;

  /**
   * One training step; returns {loss, accuracy} of the batch. Nothing is allocated per step besides
   * the batch: the [seed, step] tensor is rewritten in place (Session.run is synchronous and the feed
   * is only read during the run) and the learning-rate tensor is rebuilt only when the rate changes.
   */
  public double[] runStep(Tensor x, TInt32 y, long step, double lr) {
    prepareScalars(step, lr);
    Session.Runner r = mg.session().runner().feed(mg.input(), x).feed(labels, y).feed(mg.stepSeed(), seedTensor)
        .feed(learningRate, lrTensor).fetch(loss).fetch(accuracy).addTarget(update);
    for (Operation u : mg.updates()) r.addTarget(u);
    try (Result res = r.run()) {
      return new double[] {Tensors.scalar(res.get(0)), Tensors.scalar(res.get(1))};
    }
  }

  private void prepareScalars(long step, double lr) {
    if (lr != lastLr) {
      if (lrTensor != null) lrTensor.close();
      lrTensor = Tensors.of(mg.type(), Shape.scalar(), new double[] {lr});
      lastLr = lr;
    }
    if (seedTensor == null) seedTensor = Tensors.seed(opt.seed, step);
    seedTensor.setLong(step, 1);
  }

  /** One synchronous data-parallel step: every replica's shard in one run, one update. */
  private double[] runShards(Batch b, long step, double lr) {
    prepareScalars(step, lr);
    try (Tensor count = Tensors.of(mg.type(), Shape.scalar(), new double[] {b.n()})) {
      Session.Runner r = mg.session().runner().feed(mg.stepSeed(), seedTensor).feed(learningRate, lrTensor)
          .feed(exampleCount, count);
      for (int i = 0; i < b.x().length; i++) r.feed(mg.replicaInputs().get(i), b.x()[i]).feed(replicaLabels.get(i), b.y()[i]);
      r.fetch(loss).fetch(accuracy).addTarget(update);
      for (Operation u : mg.updates()) r.addTarget(u);
      if (opt.stepTimeoutMs > 0) r.setOptions(RunOptions.newBuilder().setTimeoutInMs(opt.stepTimeoutMs).build());
      try (Result res = r.run()) {
        return new double[] {Tensors.scalar(res.get(0)), Tensors.scalar(res.get(1))};
      } catch (TensorFlowException e) {
        throw ClusterFailure.of(opt.cluster, "step " + (step + 1), e);
      }
    }
  }

  /** Zeroes the optimizer's slots (fit does this itself; for benchmarks that drive runStep). */
  public void initOptimizer() {
    if (slotInits.isEmpty()) return;
    Session.Runner r = mg.session().runner();
    slotInits.forEach(r::addTarget);
    r.run().close();
  }

  private final List<Tensor> bareFeeds = new ArrayList<>();

  /**
   * A plain Session.Runner for the same training step with fixed feeds: the baseline that
   * {@code bench} compares {@link #runStep} with. Close its feeds with {@link #closeBare()}.
   */
  public Session.Runner bareRunner(Tensor x, TInt32 y, double lr) {
    closeBare();
    Tensor seed = Tensors.seed(opt.seed, 0);
    Tensor lrT = Tensors.of(mg.type(), Shape.scalar(), new double[] {lr});
    bareFeeds.addAll(List.of(seed, lrT));
    Session.Runner r = mg.session().runner().feed(mg.input(), x).feed(labels, y).feed(mg.stepSeed(), seed)
        .feed(learningRate, lrT);
    r.fetch(loss).fetch(accuracy).addTarget(update);
    for (Operation u : mg.updates()) r.addTarget(u);
    return r;
  }

  public void closeBare() {
    bareFeeds.forEach(Tensor::close);
    bareFeeds.clear();
  }

  private void checkData(Dataset d, String what) {
    long[] want = Shapes.dims(model.input().shape());
    if (!java.util.Arrays.equals(want, d.exampleShape())) {
      throw new BadInputException(what + " data: examples have shape " + java.util.Arrays.toString(d.exampleShape())
          + ", expected " + java.util.Arrays.toString(want) + " (the model's input " + model.input().name() + ")");
    }
    if (d.size() == 0) throw new BadInputException(what + " data: no examples");
    int classes = model.numOutputs();
    for (int i = 0; i < d.y().length; i++) {
      if (d.y()[i] < 0 || d.y()[i] >= classes) {
        throw new BadInputException(what + " data: label " + d.y()[i] + " of example " + i + " is outside [0, " + classes + ")");
      }
    }
  }

  public Operand<? extends TNumber> loss() {
    return loss;
  }

  public Placeholder<TInt32> labels() {
    return labels;
  }

  public Optimizer optimizer() {
    return optimizer;
  }

  @Override
  public void close() {
    closeBare();
    if (lrTensor != null) lrTensor.close();
    if (seedTensor != null) seedTensor.close();
    mg.close();
  }
}
