package dev.tfgraph.cli;

import dev.tfgraph.graph.Evaluator;
import dev.tfgraph.graph.Loss;
import dev.tfgraph.graph.Model;
import dev.tfgraph.graph.ModelGraph;
import dev.tfgraph.graph.TrainResult;
import dev.tfgraph.graph.data.Dataset;
import java.util.Map;

/**
 * The metrics of train's JSON summary (CONTRACT.md section 5): accuracy for classification (the
 * training value is the last epoch's running mean over its batches), or mse and mae for regression
 * (the training values from the trained model on the training data), and top_5_accuracy (on the
 * test set) for classification with more than 5 classes.
 */
final class Metrics {
  private Metrics() {}

  static void summary(Map<String, Object> out, Loss loss, TrainResult r, Model m, Dataset train) {
    TrainResult.Metrics test = r.test();
    if (loss.classification()) {
      out.put("train_accuracy", Json.num(r.trainAccuracy(), 6));
      out.put("test_accuracy", test == null ? null : Json.num(test.accuracy(), 6));
      out.put("test_loss", test == null ? null : Json.num(test.loss(), 6));
      if (test != null && !Double.isNaN(test.top5())) {
        out.put("test_top_5_accuracy", Json.num(test.top5(), 6));
        out.put("top_5_accuracy", Json.num(test.top5(), 6));
      }
      return;
    }
    TrainResult.Metrics tr;
    try (ModelGraph g = ModelGraph.inference(m)) {
      g.setWeights(r.weights());
      tr = Evaluator.evaluate(g, alignedTargets(m, train), 512, loss);
    }
    out.put("train_accuracy", null);
    out.put("test_accuracy", null);
    out.put("train_mse", Json.num(tr.mse(), 6));
    out.put("train_mae", Json.num(tr.mae(), 6));
    out.put("test_loss", test == null ? null : Json.num(test.loss(), 6));
    out.put("test_mse", test == null ? null : Json.num(test.mse(), 6));
    out.put("test_mae", test == null ? null : Json.num(test.mae(), 6));
  }

  /** The training data with its inputs in the model's order (as the trainer aligned them). */
  private static Dataset alignedTargets(Model m, Dataset d) {
    return new Dataset(dev.tfgraph.graph.DataAlignment.align(m, d.inputs(), "training data"), d.y(), d.targets());
  }
}
