package dev.tfgraph.graph.callbacks;

import dev.tfgraph.graph.Synthetic;
import dev.tfgraph.graph.TestLayers.Affine;
import dev.tfgraph.graph.train.TrainerTest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tfgraph.graph.data.Dataset;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.optim.Optimizer;
import dev.tfgraph.graph.train.TrainOptions;
import dev.tfgraph.graph.train.TrainResult;
import dev.tfgraph.graph.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Early stopping's counters are its own checkpoint state: a run interrupted and resumed stops at the
 * epoch an uninterrupted one stops at, from a checkpoint index of this version or of an older one
 * (which kept the counters beside the loop's), and a run resumed after its patience ran out trains no further.
 */
class EarlyStoppingResumeTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Dataset noisy() {
    Dataset clean = Synthetic.fourClasses(200, 6, 6);
    int[] noise = new int[clean.size()];
    SplittableRandom rnd = new SplittableRandom(9);
    for (int i = 0; i < noise.length; i++) noise[i] = rnd.nextInt(4);
    return new Dataset(clean.x(), noise, clean.exampleShape());   // random labels: validation loss must rise
  }

  static TrainResult train(int epochs, Path ck, boolean resume) {
    TrainOptions.Builder o = TrainerTest.options(epochs);
    o.patience(2);
    o.validationSplit(0.2);
    o.optimizer(Optimizer.Config.of("adam", 0.05));
    o.checkpointDir(ck);
    o.resume(resume);
    o.overwriteCheckpoints(!resume && Files.exists(ck.resolve(Checkpoints.INDEX)));
    Model m = Model.builder("m", "x", 6).add(new Affine("fc", 64, "relu", true)).add(new Affine("head", 4, "softmax", true)).build();
    try (Trainer t = new Trainer(m, o.build())) {
      return t.fit(noisy(), null, null, null);
    }
  }

  /** Rewrites the index (and its previous entry) as an older version wrote it: the counters at the top, no listeners' states. */
  static void toOldFormat(Path ck) throws Exception {
    Path index = ck.resolve(Checkpoints.INDEX);
    ObjectNode idx = (ObjectNode) JSON.readTree(index.toFile());
    for (ObjectNode e = idx; e != null; e = (ObjectNode) e.get("previous")) {
      ObjectNode state = (ObjectNode) e.remove("listeners").get(EarlyStopping.KEY);
      e.set("best_val_loss", state.get("best_val_loss"));
      e.set("bad_epochs", state.get("bad_epochs"));
    }
    Files.writeString(index, JSON.writeValueAsString(idx), java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void aResumedRunStopsWhereAnUninterruptedOneStops(@TempDir Path d) throws Exception {
    TrainResult whole = train(40, d.resolve("whole"), false);
    assertEquals("early_stopping", whole.stopReason());
    int stopped = whole.history().size();
    assertTrue(stopped > 3 && stopped < 40, "stops after " + stopped + " epochs");
    String idx = Files.readString(d.resolve("whole").resolve(Checkpoints.INDEX));
    assertTrue(idx.contains("\"listeners\"") && idx.contains("\"early_stopping\""), idx);
    assertFalse(JSON.readTree(idx).has("bad_epochs"), "the counters are early stopping's, not the loop's: " + idx);

    for (boolean old : new boolean[] {false, true}) {
      Path ck = d.resolve(old ? "old" : "new");
      assertEquals("completed", train(3, ck, false).stopReason());
      if (old) toOldFormat(ck);
      TrainResult resumed = train(40, ck, true);
      assertEquals("early_stopping", resumed.stopReason(), old ? "old index" : "new index");
      assertEquals(stopped, resumed.earlier().size() + resumed.history().size(), old ? "old index" : "new index");
      assertEquals(whole.history().get(stopped - 1).valLoss(), resumed.history().get(resumed.history().size() - 1).valLoss(), 1e-5);
    }
  }

  @Test
  void aRunResumedAfterItsPatienceRanOutTrainsNoFurther(@TempDir Path d) throws Exception {
    Path ck = d.resolve("ck");
    TrainResult first = train(40, ck, false);
    assertEquals("early_stopping", first.stopReason());
    for (boolean old : new boolean[] {false, true}) {
      if (old) toOldFormat(ck);
      TrainResult again = train(40, ck, true);
      assertEquals("early_stopping", again.stopReason(), old ? "old index" : "new index");
      assertEquals(0, again.steps(), old ? "old index" : "new index");
    }
  }
}
