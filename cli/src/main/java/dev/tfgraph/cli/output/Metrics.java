package dev.tfgraph.cli.output;

import dev.tfgraph.graph.callbacks.Epoch;
import dev.tfgraph.graph.train.TrainResult;
import java.util.Map;

/**
 * The metrics of train's JSON summary (docs/training.md): {@code train_<metric>} (the last
 * epoch's running mean over its training batches, as Keras reports it) and {@code test_<metric>}
 * for each of the run's metrics, the test loss; {@code train_accuracy} and {@code test_accuracy}
 * are always present (null for a run without accuracy), and {@code top_5_accuracy} repeats the
 * test set's.
 */
public final class Metrics {
  private Metrics() {}

  public static void summary(Map<String, Object> out, TrainResult r) {
    TrainResult.Metrics test = r.test();
    out.put("train_accuracy", Json.num(r.trainAccuracy(), 6));
    out.put("test_accuracy", test == null ? null : Json.num(test.accuracy(), 6));
    out.put("test_loss", test == null ? null : Json.num(test.loss(), 6));
    r.trainMetrics().forEach((name, v) -> {
      out.put("train_" + name, Json.num(v, 6));
      out.put("test_" + name, test == null ? null : Json.num(test.value(name), 6));
    });
    if (test != null && !Double.isNaN(test.top5())) out.put("top_5_accuracy", Json.num(test.top5(), 6));
  }

  /**
   * {@code val_loss} and {@code val_<metric>} of a run with a validation split: its last epoch's,
   * as the last entry of Keras' History (null when no epoch recorded them).
   */
  public static void validation(Map<String, Object> out, TrainResult r) {
    Epoch last = r.lastEpoch();
    out.put("val_loss", last == null ? null : Json.num(last.valLoss(), 6));
    if (last != null) last.val().forEach((name, v) -> out.put("val_" + name, Json.num(v, 6)));
  }
}
