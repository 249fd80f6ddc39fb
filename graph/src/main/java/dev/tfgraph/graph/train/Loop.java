package dev.tfgraph.graph.train;

import dev.tfgraph.graph.train.feed.Feed;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Metric;
import dev.tfgraph.graph.callbacks.BatchLogs;
import dev.tfgraph.graph.callbacks.Checkpoints;
import dev.tfgraph.graph.callbacks.Epoch;
import dev.tfgraph.graph.callbacks.TrainingListener;
import dev.tfgraph.graph.data.DataSource;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.model.InputSpec;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.runtime.ModelGraph;
import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.graph.runtime.WeightCheck;
import dev.tfgraph.graph.train.feed.Batches.Batch;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One {@code fit} of a {@link Trainer}: start or resume, the epochs (each batch prepared on a prefetch thread
 * while the previous step runs), the listeners at fit, epoch and batch boundaries, validation after each
 * epoch and the test at the end. The trainer holds the graph and the session; this holds the run.
 */
final class Loop {
  private final Trainer t;
  private final Model model;
  private final TrainOptions opt;
  private final ModelRuntime rt;
  private final ModelGraph mg;
  private final List<Metric> metrics;

  Loop(Trainer t) {
    this.t = t;
    this.model = t.model;
    this.opt = t.opt;
    this.rt = t.rt;
    this.mg = t.mg;
    this.metrics = t.metrics;
  }

  /** Trains on {@code train}, validating on {@code validation} (or a split of train, or test) after each epoch, testing at the end. */
  TrainResult fit(Feed train, Feed validation, Feed test, Map<String, NpyArray> initial) {
    Feed val = validation != null ? validation : test;
    if (opt.validationSplit() > 0) {
      Feed[] split = holdOut(train);
      train = split[0];
      val = split[1];
    }
    int steps = (int) ((train.size() + (long) opt.batchSize() - 1) / opt.batchSize());   // long: no overflow at huge batch sizes
    List<TrainingListener> listeners = Listeners.of(opt, t.listeners);
    FitRun run = new FitRun(model, opt, metrics, t.runState, rt, steps, val == null ? null : val == test ? "test" : "val", listeners);
    run.listenerStates();   // refuses two listeners with one state key before the first step
    run.state = t.runState.start(train, initial, opt, run);
    // Resumed from a checkpoint of a run that was over (every epoch done, or early stopping's patience used up):
    // nothing left to train; the test metrics and the weights are those of the checkpoint.
    // (early stopping's patience used up: EarlyStopping stops it when the fit starts)
    if (run.resumed && run.state.epoch() >= opt.epochs()) run.stop("already_completed");
    long t0 = System.nanoTime();
    ExecutorService prefetch = Executors.newSingleThreadExecutor(r -> {   // makes the next batch's tensors during a step
      Thread t = new Thread(r, "tfgraph-prefetch");
      t.setDaemon(true);
      return t;
    });
    Listeners.Calls calls = new Listeners.Calls(listeners);
    Throwable failure = null;
    try {
      calls.each(l -> l.onFitStart(run));
      for (int epoch = run.state.epoch(); epoch < opt.epochs() && run.stopReason() == null; epoch++) {
        final int ep = epoch;
        calls.each(l -> l.onEpochStart(run, ep));
        long te = System.nanoTime();
        runEpoch(train, epoch, run, prefetch, calls);
        TrainResult.Metrics v = val == null ? null : evaluate(val);
        Epoch e = new Epoch(epoch + 1, run.meanLoss(), run.meanMetrics(),
            v == null ? Double.NaN : v.loss(), v == null ? Map.of() : v.values(), run.lr, (System.nanoTime() - te) / 1e9);
        run.trained.add(e);
        boolean whole = !"max_steps".equals(run.stopReason()) && run.batchesRun == steps;
        run.state = new Checkpoints.State(whole ? epoch + 1 : epoch, run.step);
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

  private TrainResult.Metrics evaluate(Feed f) {
    return t.eval.evaluate(rt, f);
  }

  /** {train, validation}: a seeded hold-out of validation_split of the training data. */
  private Feed[] holdOut(Feed train) {
    int[] o = DataSource.order(train.size(), opt.seed(), -1, true);
    int nv = (int) Math.round(train.size() * opt.validationSplit());
    if (nv == 0 || nv == train.size()) {
      throw new BadInputException("train: validation_split " + opt.validationSplit() + " of " + train.size()
          + " training examples holds out " + nv + " for validation and leaves " + (train.size() - nv)
          + " for training; expected at least 1 of each (more data, or a larger split)");
    }
    return train.holdOut(o, nv);
  }

  /** The steps of one epoch, each batch prepared on the prefetch thread while the previous one runs. */
  private void runEpoch(Feed train, int epoch, FitRun run, ExecutorService prefetch, Listeners.Calls calls) {
    Feed.Cut cut = new Feed.Cut(opt.seed(), opt.shuffle(), opt.batchSize(), t.strategy.shards(), mg.type(),
        model.inputs().stream().map(InputSpec::shape).toList(), model.outputShape(), opt.augment().equals("flip"));
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
  private boolean step(Batch b, int epoch, int s, FitRun run, Listeners.Calls calls) {
    calls.each(l -> l.onBatchStart(run, s, run.step));
    long ts = System.nanoTime();
    double[] values;
    try (b) {
      values = t.stepper.run(b.x(), b.y(), b.n(), run.step, run.lr);
    }
    run.stepNanos += System.nanoTime() - ts;
    run.step++;
    run.stepsRun++;
    BatchLogs logs = run.batchEnd(epoch, s, b.n(), (long) s * opt.batchSize(), values);
    calls.each(l -> l.onBatchEnd(run, logs));
    if (opt.maxSteps() > 0 && run.stepsRun >= opt.maxSteps()) run.stop("max_steps");
    return run.stopReason() != null;
  }
}
