package dev.tfgraph.graph.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.optim.Optimizer;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The options are a checked, immutable value of settings. */
class TrainOptionsTest {
  @Test
  void theDefaultsAreTheContracts() {
    TrainOptions o = TrainOptions.builder().build();
    assertEquals(1, o.epochs());
    assertEquals(128, o.batchSize());
    assertEquals(Optimizer.Config.of("adam", 1e-3), o.optimizer());
    assertEquals(0, o.seed());
    assertTrue(o.shuffle() && o.progress());
    assertEquals("none", o.augment());
    assertEquals("constant", o.schedule());
    assertEquals("auto", o.device());
    assertEquals(0.1, o.gamma());
    assertEquals(10, o.stepEpochs());
    assertEquals(0, o.warmupEpochs() + o.patience() + o.threads() + o.maxSteps());
    assertEquals(0.0, o.validationSplit());
    assertNull(o.checkpointDir());
    assertNull(o.history());
    assertNull(o.logDir());
    assertTrue(!o.resume() && !o.overwriteCheckpoints());
  }

  /** Settings only: every field is final, and none holds a run's objects (listeners, loss, strategy). */
  @Test
  void fieldsAreFinalSettings() {
    for (Field f : TrainOptions.class.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers())) continue;
      assertTrue(Modifier.isPrivate(f.getModifiers()) && Modifier.isFinal(f.getModifiers()), f.getName());
      Class<?> t = f.getType();
      assertTrue(t.isPrimitive() || t == String.class || t == Path.class || t == Optimizer.Config.class, f.getName() + " is a " + t);
    }
  }

  @Test
  void toBuilderChangesACopyAndKeepsTheRest(@org.junit.jupiter.api.io.TempDir Path dir) {
    TrainOptions a = TrainOptions.builder().epochs(4).batchSize(16).seed(9).schedule("cosine").warmupEpochs(1)
        .checkpointDir(dir).history(dir.resolve("h.json")).logDir(dir).threads(1).device("cpu").augment("flip")
        .optimizer(Optimizer.Config.of("sgd", 0.5)).validationSplit(0.25).patience(2).shuffle(false).progress(false)
        .gamma(0.5).stepEpochs(3).maxSteps(7).build();
    assertEquals(a, a.toBuilder().build());
    assertEquals(a.hashCode(), a.toBuilder().build().hashCode());
    TrainOptions b = a.toBuilder().epochs(5).build();
    assertEquals(4, a.epochs(), "the original is unchanged");
    assertEquals(5, b.epochs());
    assertNotEquals(a, b);
    assertEquals(a, b.toBuilder().epochs(4).build());
    assertEquals(dir, b.checkpointDir());
    assertEquals(16, b.batchSize());
    assertEquals(Optimizer.Config.of("sgd", 0.5), b.optimizer());
  }

  @Test
  void buildChecksEachSettingOnce() {
    expect(b -> b.epochs(0), "epochs");
    expect(b -> b.batchSize(-1), "batch_size");
    expect(b -> b.schedule("linear"), "schedule");
    expect(b -> b.augment("rotate"), "augment");
    expect(b -> b.validationSplit(0.6), "validation_split");
    expect(b -> b.epochs(2).warmupEpochs(2), "leaves no epoch after the warm-up");
    expect(b -> b.gamma(0), "gamma");
    expect(b -> b.threads(-1), "threads");
    expect(b -> b.maxSteps(-1), "max_steps");
    expect(b -> b.patience(1), "needs validation_split > 0");
    expect(b -> b.resume(true), "needs a checkpoint folder");
    expect(b -> b.overwriteCheckpoints(true), "give the folder");
    expect(b -> b.checkpointDir(Path.of("ck")).resume(true).overwriteCheckpoints(true), "exclude each other");
  }

  private static void expect(UnaryOperator<TrainOptions.Builder> set, String message) {
    TrainOptions.Builder b = set.apply(TrainOptions.builder());
    String m = assertThrows(BadInputException.class, b::build).getMessage();
    assertTrue(m.startsWith("train: ") && m.contains(message), m);
  }

  @Test
  void theScheduleFollowsTheSettings() {
    TrainOptions o = TrainOptions.builder().epochs(10).schedule("step").stepEpochs(2).gamma(0.5)
        .optimizer(Optimizer.Config.of("sgd", 0.1)).build();
    assertEquals(0.1, o.learningRateAt(0, 4), 1e-15);
    assertEquals(0.05, o.learningRateAt(8, 4), 1e-15, "after 2 epochs of 4 steps");
    assertEquals(o.learningRateSchedule().at(13, 4), o.learningRateAt(13, 4), 0.0);
  }
}
