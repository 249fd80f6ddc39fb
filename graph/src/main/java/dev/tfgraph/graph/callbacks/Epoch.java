package dev.tfgraph.graph.callbacks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One epoch: the running means of the loss and of each metric over its training batches, the
 * validation (or test) loss and metrics after it (NaN and empty without held-out data).
 */
public record Epoch(int epoch, double trainLoss, Map<String, Double> train, double valLoss, Map<String, Double> val,
    double learningRate, double seconds) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** @return the "accuracy" metric over the epoch's training batches, or NaN if the run does not compute it */
  public double trainAccuracy() {
    return train.getOrDefault("accuracy", Double.NaN);
  }

  /** @return the held-out "accuracy" metric, or NaN without held-out data or that metric */
  public double valAccuracy() {
    return val.getOrDefault("accuracy", Double.NaN);
  }

  /**
   * As Keras' History entry: {@code epoch} (1-based), {@code loss}, each metric by name, the
   * held-out ones prefixed ({@code val_loss}, {@code val_accuracy}, or {@code test_...}),
   * {@code learning_rate} (of the epoch's last step) and {@code seconds}; a value that is not
   * finite is null, held-out keys are absent without held-out data.
   * @param heldOut the held-out prefix, "val" or "test", or null without held-out data
   * @return a new JSON object
   */
  public ObjectNode toJson(String heldOut) {
    ObjectNode o = JSON.createObjectNode();
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

  /**
   * The entry {@link #toJson} wrote (null values read as NaN), or null if it is not one.
   * @param o a JSON value, or null
   * @param heldOut the held-out prefix it was written with, "val" or "test", or null
   * @return the epoch, or null
   */
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
