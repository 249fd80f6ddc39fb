package dev.tfgraph.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tfgraph.graph.data.NpyArray;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a training run did: per-epoch history, totals and the final weights. {@code history} holds
 * the epochs this run trained; {@code earlier} the epochs a resumed run's checkpoint recorded
 * before it ({@link #fullHistory()} is both, as an uninterrupted run's). {@code dataWaitPct} is the
 * share of the training loop's time (waiting for the next batch, the step, the listeners) spent
 * waiting for the next batch (prepared on a background thread), in [0, 100]. {@code heldOut} is
 * "val" with a validation split, "test" when the test set is reported each epoch, else null.
 * Metrics are by name, in the run's metric order ({@link Metric#name()}).
 */
public record TrainResult(List<Epoch> history, long steps, double seconds, double msPerStep, double dataWaitPct,
    double trainLoss, Map<String, Double> trainMetrics, Metrics test, String stopReason,
    Map<String, NpyArray> weights, List<Epoch> earlier, String heldOut) {

  /** The last epoch's training accuracy (its running mean over the batches), NaN without one. */
  public double trainAccuracy() {
    return trainMetrics.getOrDefault("accuracy", Double.NaN);
  }

  /** Every epoch of the run: those recorded before it resumed, then those it trained. */
  public List<Epoch> fullHistory() {
    List<Epoch> all = new ArrayList<>(earlier);
    all.addAll(history);
    return all;
  }

  /** The run's last epoch (trained now or recorded in the checkpoint it resumed from), or null. */
  public Epoch lastEpoch() {
    return !history.isEmpty() ? history.get(history.size() - 1) : earlier.isEmpty() ? null : earlier.get(earlier.size() - 1);
  }

  /**
   * One epoch: the running means of the loss and of each metric over its training batches, the
   * validation (or test) loss and metrics after it (NaN and empty without held-out data).
   */
  public record Epoch(int epoch, double trainLoss, Map<String, Double> train, double valLoss, Map<String, Double> val,
      double learningRate, double seconds) {
    public double trainAccuracy() {
      return train.getOrDefault("accuracy", Double.NaN);
    }

    public double valAccuracy() {
      return val.getOrDefault("accuracy", Double.NaN);
    }

    /**
     * As Keras' History entry: {@code epoch} (1-based), {@code loss}, each metric by name, the
     * held-out ones prefixed ({@code val_loss}, {@code val_accuracy}, or {@code test_...}),
     * {@code learning_rate} (of the epoch's last step) and {@code seconds}; a value that is not
     * finite is null, held-out keys are absent without held-out data.
     */
    public ObjectNode toJson(String heldOut) {
      ObjectNode o = Model.JSON.createObjectNode();
      o.put("epoch", epoch);
      put(o, "loss", trainLoss);
      train.forEach((k, v) -> put(o, k, v));
      if (heldOut != null && !Double.isNaN(valLoss)) {
        put(o, heldOut + "_loss", valLoss);
        val.forEach((k, v) -> put(o, heldOut + "_" + k, v));
      }
      put(o, "learning_rate", learningRate);
      put(o, "seconds", seconds);
      return o;
    }

    /** The entry {@link #toJson} wrote (null values read as NaN), or null if it is not one. */
    public static Epoch fromJson(JsonNode o, String heldOut) {
      if (o == null || !o.isObject() || !o.path("epoch").canConvertToInt() || o.path("epoch").asInt() < 1) return null;
      Map<String, Double> train = new LinkedHashMap<>(), val = new LinkedHashMap<>();
      double valLoss = Double.NaN;
      String prefix = heldOut == null ? null : heldOut + "_";
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String k = e.getKey();
        if (List.of("epoch", "loss", "learning_rate", "seconds").contains(k)) continue;
        double v = number(e.getValue());
        if (prefix != null && k.equals(prefix + "loss")) valLoss = v;
        else if (prefix != null && k.startsWith(prefix)) val.put(k.substring(prefix.length()), v);
        else train.put(k, v);
      }
      return new Epoch(o.get("epoch").asInt(), number(o.get("loss")), train, valLoss, val, number(o.get("learning_rate")),
          number(o.get("seconds")));
    }

    private static double number(JsonNode n) {
      return n != null && n.isNumber() ? n.asDouble() : Double.NaN;
    }

    private static void put(ObjectNode o, String key, double v) {
      if (Double.isFinite(v)) o.put(key, v);
      else o.putNull(key);
    }
  }

  /** Loss and metrics on a set of {@code examples}. */
  public record Metrics(double loss, Map<String, Double> values, int examples) {
    /** The named metric's value, NaN when the run did not report it. */
    public double value(String name) {
      return values.getOrDefault(name, Double.NaN);
    }

    public double accuracy() {
      return value("accuracy");
    }

    public double mse() {
      return value("mse");
    }

    public double mae() {
      return value("mae");
    }

    public double top5() {
      return value("top_5_accuracy");
    }
  }
}
