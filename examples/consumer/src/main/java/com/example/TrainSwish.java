package com.example;

import dev.tfgraph.export.Exporter;
import dev.tfgraph.export.serving.Predictor;
import dev.tfgraph.graph.model.Functional;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.Loss;
import dev.tfgraph.graph.Node;
import dev.tfgraph.graph.loss.Losses;
import dev.tfgraph.graph.metric.Metrics;
import dev.tfgraph.graph.train.TrainOptions;
import dev.tfgraph.graph.train.TrainResult;
import dev.tfgraph.graph.train.Trainer;
import dev.tfgraph.graph.data.Dataset;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.layers.merging.Add;
import dev.tfgraph.layers.core.Dense;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains a small residual model with the user's Swish layer and mish activation on two interleaved
 * spirals-like rings, exports it to args[0], reloads the export and checks it. Exit status 0 only
 * if the test accuracy reaches 0.9 and the reloaded model predicts the same as the trained one.
 */
public final class TrainSwish {
  public static void main(String[] args) {
    Path out = Path.of(args.length > 0 ? args[0] : "serving/swish");
    // a graph of layers (Keras' functional API): the user's Swish on a residual branch
    Functional f = Model.functional("swish-demo");
    Node x = f.input("x", 2);
    Node h = new Dense("fc1", 32, "mish").on(x);
    Node res = new Add("res").on(h, new Swish("swish", 1.0).on(h));
    Model model = f.build(new Dense("head", 2, "softmax").on(res));
    Dataset train = rings(2000, 1), test = rings(500, 2);
    TrainOptions options = TrainOptions.builder().epochs(10).batchSize(64)
        .optimizer(dev.tfgraph.graph.optim.Optimizer.Config.of("adam", 1e-2)).progress(false).build();
    // the user's own metric and listener: reported per epoch, and the run stops once it is good enough
    Loss loss = Losses.get(Losses.DEFAULT, 0);
    StopAtAccuracy stopper = new StopAtAccuracy(0.97);
    TrainResult r;
    try (Trainer trainer = Trainer.builder(model, options).loss(loss)
        .metrics(Metrics.get(java.util.List.of("accuracy", "true_class_confidence"), loss)).listeners(stopper).build()) {
      r = trainer.fit(train, null, test, null);
    }
    Exporter.Result e = Exporter.export(model, r.weights(), out, null, Map.of("test_accuracy", r.test().accuracy()));
    float[] probe = {0.1f, 0.2f, 1.5f, -0.3f};
    float[] reloaded;
    try (Predictor p = Predictor.load(e.dir())) {
      reloaded = p.predict(NpyArray.ofFloats(new long[] {2, 2}, probe), 2).toFloats();
    }
    System.out.printf(java.util.Locale.ROOT, "test accuracy %.4f, exported to %s, reloaded output %.6f %.6f%n", r.test().accuracy(), e.dir(),
        reloaded[0], reloaded[1]);
    if (args.length > 1) {       // what a serving client without tfgraph must reproduce (src/test/serving)
      StringBuilder sb = new StringBuilder();
      for (float v : reloaded) sb.append(Float.toString(v)).append('\n');
      try {
        java.nio.file.Files.writeString(Path.of(args[1]), sb.toString());
      } catch (java.io.IOException ex) {
        throw new java.io.UncheckedIOException(ex);
      }
    }
    double confidence = r.test().value("true_class_confidence");
    System.out.printf(java.util.Locale.ROOT, "stopped: %s after %d epochs; test true-class confidence %.4f%n", r.stopReason(), stopper.epochsSeen, confidence);
    if (!(confidence > 0.5 && confidence <= 1) || stopper.epochsSeen != r.history().size()) {
      System.err.println("the user's metric or listener did not run: confidence " + confidence + ", epochs seen " + stopper.epochsSeen);
      System.exit(1);
    }
    if (r.test().accuracy() < 0.9) {
      System.err.println("test accuracy " + r.test().accuracy() + " is below 0.9");
      System.exit(1);
    }
  }

  /** Two classes: points inside radius 1 and in the ring 1.3..2, with noise. */
  static Dataset rings(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] x = new float[2 * n];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % 2;
      double radius = y[i] == 0 ? rng.nextDouble(0, 1.0) : rng.nextDouble(1.3, 2.0);
      double angle = rng.nextDouble(0, 2 * Math.PI);
      x[2 * i] = (float) (radius * Math.cos(angle));
      x[2 * i + 1] = (float) (radius * Math.sin(angle));
    }
    return new Dataset(x, y, new long[] {2});
  }
}
