package dev.tfgraph.graph.train;

import dev.tfgraph.graph.callbacks.Epoch;
import dev.tfgraph.graph.Metric;
import dev.tfgraph.graph.callbacks.Checkpoints;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.graph.runtime.Tensors;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.callbacks.BatchLogs;
import dev.tfgraph.graph.callbacks.Fit;
import dev.tfgraph.graph.callbacks.Stateful;
import dev.tfgraph.graph.callbacks.TrainingListener;
import dev.tfgraph.graph.BadInputException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Result;

/** The run as listeners see it: counters, the epoch's running means, the rate and the stop request. */
final class FitRun implements Fit {
  private final Model model;
  private final TrainOptions opt;
  private final List<Metric> metrics;
  private final RunState runState;
  private final ModelRuntime rt;
  private final List<TrainingListener> listeners;
  final int steps;
  final String heldOut;
  Checkpoints.State state;
  boolean resumed;
  /** Global step; steps run now; nanoseconds in steps, waiting for batches, and in the loop's iterations (wait, step, listeners). */
  long step, stepsRun, stepNanos, waitNanos, loopNanos;
  /** The epochs recorded by the checkpoint this run resumed from, and those trained now. */
  List<Epoch> earlier = List.of();
  final List<Epoch> trained = new ArrayList<>();
  int batchesRun;
  double lr;
  double lastLoss = Double.NaN;
  Map<String, Double> lastMetrics = Map.of();
  private String stop;
  private double sumLoss;
  private final double[] sums;
  private long seen;

  FitRun(Model model, TrainOptions opt, List<Metric> metrics, RunState runState, ModelRuntime rt, int steps, String heldOut,
      List<TrainingListener> listeners) {
    this.listeners = listeners;
    this.model = model;
    this.opt = opt;
    this.metrics = metrics;
    this.runState = runState;
    this.rt = rt;
    this.steps = steps;
    this.heldOut = heldOut;
    this.lr = opt.optimizer().learningRate();
    this.sums = new double[metrics.size()];
  }

  void startEpoch() {
    sumLoss = seen = batchesRun = 0;
    Arrays.fill(sums, 0);
  }

  /** Adds a step's {loss, metric...} of n examples to the running means; its logs. */
  BatchLogs batchEnd(int epoch, int batch, int n, long first, double[] values) {
    sumLoss += values[0] * n;
    for (int k = 0; k < sums.length; k++) sums[k] += values[k + 1] * n;
    seen += n;
    batchesRun++;
    lastLoss = values[0];
    lastMetrics = named(values, 1, 1);
    return new BatchLogs(epoch, batch, step, n, first, values[0], lastMetrics, lr);
  }

  private Map<String, Double> named(double[] v, int from, double scale) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int k = 0; k < metrics.size(); k++) m.put(metrics.get(k).name(), v[from + k] * scale);
    return m;
  }

  @Override public Model model() { return model; }
  @Override public int epochs() { return opt.epochs(); }
  @Override public int stepsPerEpoch() { return steps; }
  @Override public List<String> metricNames() { return metrics.stream().map(Metric::name).toList(); }
  @Override public String heldOut() { return heldOut; }
  @Override public double learningRate() { return lr; }
  @Override public void setLearningRate(double rate) { lr = rate; }
  @Override public double meanLoss() { return sumLoss / Math.max(seen, 1); }
  @Override public Map<String, Double> meanMetrics() { return named(sums, 0, 1.0 / Math.max(seen, 1)); }
  @Override public void stop(String reason) { if (stop == null) stop = reason; }
  @Override public String stopReason() { return stop; }
  @Override public Checkpoints.State state() { return state; }

  /** Restores the {@link Stateful} listeners from a checkpoint's states (each from its key; none recorded: it keeps its fresh state). */
  void restoreListeners(Map<String, JsonNode> states) {
    for (TrainingListener l : listeners) {
      if (l instanceof Stateful s) s.restore(states.get(s.stateKey()));
    }
  }

  @Override
  public Map<String, JsonNode> listenerStates() {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (TrainingListener l : listeners) {
      if (l instanceof Stateful s && out.put(s.stateKey(), s.state()) != null) {
        throw new BadInputException("train: two listeners keep their checkpoint state under the key \"" + s.stateKey()
            + "\"; expected a key of its own for each (the second is " + l.getClass().getName() + ")");
      }
    }
    return out;
  }
  @Override public boolean resumed() { return resumed; }

  @Override
  public List<Epoch> history() {
    List<Epoch> all = new ArrayList<>(earlier);
    all.addAll(trained);
    return all;
  }
  @Override public Map<String, NpyArray> variables() { return runState.read(); }

  @Override
  public float[] weight(String key) {
    try (Result r = rt.session().runner().fetch(rt.graph().variables().get(key)).run()) {
      return Tensors.toFloats(r.get(0));
    }
  }
}
