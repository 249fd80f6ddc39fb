package dev.tfgraph.graph.callbacks;

import dev.tfgraph.graph.Synthetic;
import dev.tfgraph.graph.train.TrainerTest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.RunFailedException;
import dev.tfgraph.graph.train.TrainOptions;
import dev.tfgraph.graph.train.TrainResult;
import dev.tfgraph.graph.train.Trainer;
import dev.tfgraph.graph.data.Dataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training loop's listeners: when they are called, what they see, and how they steer a run. */
class TrainingListenerTest {
  /** Records every call as a line. */
  static final class Recorder implements TrainingListener {
    final List<String> calls = new ArrayList<>();
    final List<BatchLogs> batches = new ArrayList<>();
    final List<Epoch> epochs = new ArrayList<>();
    Throwable failure;

    @Override public void onFitStart(Fit fit) { calls.add("fit"); }
    @Override public void onEpochStart(Fit fit, int epoch) { calls.add("epoch " + epoch); }
    @Override public void onBatchEnd(Fit fit, BatchLogs logs) { calls.add("batch"); batches.add(logs); }
    @Override public void onEpochEnd(Fit fit, Epoch logs) { calls.add("end " + logs.epoch()); epochs.add(logs); }
    @Override public void onFitEnd(Fit fit, Throwable failure) { calls.add("done"); this.failure = failure; }
  }

  @Test
  void hooksRunAtEveryBoundaryWithTheRunsLogs() {
    Dataset d = Synthetic.fourClasses(100, 6, 3);
    TrainOptions.Builder o = TrainerTest.options(2);
    o.validationSplit(0.2);
    Recorder rec = new Recorder();
    TrainResult r;
    try (Trainer t = Trainer.builder(TrainerTest.mlp(), o.build()).listeners(rec).build()) {
      r = t.fit(d, null, null, null);
    }
    // 80 training examples in batches of 32: 3 steps per epoch
    assertEquals(List.of("fit", "epoch 0", "batch", "batch", "batch", "end 1", "epoch 1", "batch", "batch", "batch", "end 2", "done"),
        rec.calls);
    assertEquals(null, rec.failure);
    assertEquals(List.of(32, 32, 16), rec.batches.subList(0, 3).stream().map(BatchLogs::size).toList());
    assertEquals(6, rec.batches.get(5).step(), "global step after the step, 1-based");
    assertEquals(List.of("accuracy"), List.copyOf(rec.batches.get(0).metrics().keySet()));
    // an epoch's logs are the running means over its batches, weighted by batch size
    double mean = 0;
    for (BatchLogs b : rec.batches.subList(0, 3)) mean += b.loss() * b.size();
    assertEquals(mean / 80, rec.epochs.get(0).trainLoss(), 1e-12);
    assertSame(r.history().get(1).val(), rec.epochs.get(1).val());
    assertTrue(rec.epochs.get(1).val().get("accuracy") >= 0 && !Double.isNaN(rec.epochs.get(1).valLoss()));
  }

  @Test
  void aListenerStopsTheRunAndTheLastCompletedEpochIsCheckpointed(@TempDir Path dir) throws Exception {
    Dataset d = Synthetic.fourClasses(100, 6, 3);
    TrainOptions.Builder o = TrainerTest.options(5);
    o.checkpointDir(dir);
    TrainingListener stopAt2 = new TrainingListener() {
      @Override
      public void onEpochEnd(Fit fit, Epoch logs) {
        if (logs.epoch() == 2) fit.stop("enough");
      }
    };
    try (Trainer t = Trainer.builder(TrainerTest.mlp(), o.build()).listeners(stopAt2).build()) {
      TrainResult r = t.fit(d, null, null, null);
      assertEquals("enough", r.stopReason());
      assertEquals(2, r.history().size());
      assertEquals(2 * 4, r.steps());
    }
    assertEquals(2, Checkpoints.load(dir).state().epoch(), "the epoch the listener stopped after is checkpointed");
    // a stop within an epoch: that epoch is not recorded as done
    Path mid = dir.resolve("mid");
    o.checkpointDir(mid);
    TrainingListener stopAt6 = new TrainingListener() {
      @Override
      public void onBatchEnd(Fit fit, BatchLogs logs) {
        if (logs.step() == 6) fit.stop("mid-epoch");
      }
    };
    try (Trainer t = Trainer.builder(TrainerTest.mlp(), o.build()).listeners(stopAt6).build()) {
      TrainResult r = t.fit(d, null, null, null);
      assertEquals("mid-epoch", r.stopReason());
      assertEquals(6, r.steps());
    }
    assertEquals(1, Checkpoints.load(mid).state().epoch(), "epoch 2 stopped after 2 of 4 steps: only epoch 1 is done");
    assertTrue(Files.exists(mid.resolve("ckpt-1.npz")));
    assertFalse(Files.exists(mid.resolve("ckpt-2.npz")));
  }

  @Test
  void aSchedulerListenerSetsEachStepsRate() {
    Dataset d = Synthetic.fourClasses(64, 6, 3);
    TrainOptions.Builder o = TrainerTest.options(2);
    Recorder rec = new Recorder();
    try (Trainer t = Trainer.builder(TrainerTest.mlp(), o.build())
        .listeners(new LearningRateScheduler((step, perEpoch) -> 0.01 / (1 + step)), rec).build()) {
      t.fit(d, null, null, null);
    }
    for (BatchLogs b : rec.batches) assertEquals(0.01 / b.step(), b.learningRate(), 1e-15, "step " + b.step());
    try (Trainer t = Trainer.builder(TrainerTest.mlp(), o.build())
        .listeners(new LearningRateScheduler((step, perEpoch) -> step == 2 ? Double.NaN : 0.01), rec).build()) {
      var e = assertThrows(dev.tfgraph.graph.BadInputException.class, () -> t.fit(d, null, null, null));
      assertEquals("learning-rate schedule: expected a finite rate >= 0 at step 3, received NaN", e.getMessage());
    }
  }

  @Test
  void aFailingRunStillEndsEveryListener() {
    Dataset d = Synthetic.fourClasses(64, 6, 3);
    TrainOptions.Builder o = TrainerTest.options(2);
    TrainingListener no = new TrainingListener() {
      @Override
      public void onBatchEnd(Fit fit, BatchLogs logs) {
        throw new RunFailedException("listener says no");
      }
    };
    Recorder rec = new Recorder();
    try (Trainer t = Trainer.builder(TrainerTest.mlp(), o.build()).listeners(no, rec).build()) {
      assertEquals("listener says no", assertThrows(RunFailedException.class, () -> t.fit(d, null, null, null)).getMessage());
    }
    assertEquals(List.of("fit", "epoch 0", "done"), rec.calls);
    assertEquals("listener says no", rec.failure.getMessage());
  }
}
