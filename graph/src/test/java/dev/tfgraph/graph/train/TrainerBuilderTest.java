package dev.tfgraph.graph.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Loss;
import dev.tfgraph.graph.TestLayers;
import dev.tfgraph.graph.callbacks.Epoch;
import dev.tfgraph.graph.callbacks.Fit;
import dev.tfgraph.graph.callbacks.LearningRateScheduler;
import dev.tfgraph.graph.callbacks.ModelCheckpoint;
import dev.tfgraph.graph.callbacks.ProgressLogger;
import dev.tfgraph.graph.callbacks.TerminateOnNaN;
import dev.tfgraph.graph.callbacks.TrainingListener;
import dev.tfgraph.graph.data.Dataset;
import dev.tfgraph.graph.loss.Losses;
import dev.tfgraph.graph.metric.Metrics;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.optim.Optimizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What runs with the settings (loss, metrics, listeners) is given to the trainer's builder, which may build several trainers. */
class TrainerBuilderTest {
  static Model scale() {
    return Model.builder("s", "x", 3).add(new TestLayers.Scale("scale", 3, true)).build();
  }

  /** 8 examples of 3 features; the targets are the inputs times 2. */
  static Dataset data() {
    float[] x = new float[24], t = new float[24];
    for (int i = 0; i < x.length; i++) {
      x[i] = 1 + i % 5;
      t[i] = 2 * x[i];
    }
    return new Dataset(List.of(new Dataset.Input(null, x, new long[] {3})), null, new Dataset.Input(null, t, new long[] {3}));
  }

  static final class Epochs implements TrainingListener {
    final List<Integer> seen = new ArrayList<>();
    List<String> metricNames;

    @Override public void onFitStart(Fit fit) { metricNames = fit.metricNames(); }
    @Override public void onEpochEnd(Fit fit, Epoch e) { seen.add(e.epoch()); }
  }

  @Test
  void theLossMetricsAndListenersOfTheBuilderRun() {
    Loss mse = Losses.get("mse", 0);
    Epochs epochs = new Epochs();
    TrainOptions o = TrainOptions.builder().epochs(3).batchSize(4).threads(1).progress(false)
        .optimizer(Optimizer.Config.of("sgd", 0.01)).build();
    TrainResult r;
    try (Trainer t = Trainer.builder(scale(), o).loss(mse).metrics(Metrics.get(List.of("mae"), mse)).listeners(epochs).build()) {
      r = t.fit(data(), null, data(), null);
    }
    assertEquals(List.of(1, 2, 3), epochs.seen);
    assertEquals(List.of("mae"), epochs.metricNames);
    assertEquals(List.of("mae"), List.copyOf(r.trainMetrics().keySet()));
    assertTrue(r.history().get(2).trainLoss() < r.history().get(0).trainLoss(), r.history().toString());
    // the default loss (sparse categorical cross-entropy) refuses float targets: the builder's loss was used above
    try (Trainer t = new Trainer(scale(), o)) {
      assertThrows(BadInputException.class, () -> t.fit(data(), null, null, null));
    }
  }

  @Test
  void aBuilderBuildsATrainerPerOptions() {
    Trainer.Builder b = Trainer.builder(scale(), TrainOptions.builder().epochs(1).batchSize(8).progress(false).build())
        .loss(Losses.get("mse", 0));
    long[] steps = new long[2];
    for (int k = 0; k < 2; k++) {
      b.options(b.options().toBuilder().epochs(k + 1).build());
      try (Trainer t = b.build()) {
        steps[k] = t.fit(data(), null, null, null).steps();
      }
    }
    assertEquals(1, steps[0]);
    assertEquals(2, steps[1]);
  }

  /** The NaN check, the schedule, then yours, then the built-in output (progress, ..., checkpoints). */
  @Test
  void yourListenersComeAfterTheScheduleAndBeforeTheOutput(@TempDir Path dir) {
    TrainingListener mine = new TrainingListener() {};
    List<TrainingListener> all = Listeners.of(TrainOptions.builder().checkpointDir(dir).build(), List.of(mine));
    assertEquals(5, all.size());
    assertInstanceOf(TerminateOnNaN.class, all.get(0));
    assertInstanceOf(LearningRateScheduler.class, all.get(1));
    assertSame(mine, all.get(2));
    assertInstanceOf(ProgressLogger.class, all.get(3));
    assertInstanceOf(ModelCheckpoint.class, all.get(4));
  }
}
