package dev.tfgraph.graph.callbacks;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.train.TrainOptions;
import dev.tfgraph.graph.train.TrainResult;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whose checkpoints a folder holds: another run's are kept unless a run resumes them or starts over; the history they record. */
class CheckpointRunsTest {
  static Checkpoints.Run run(int epochs, int upTo, boolean startsOver) {
    List<Epoch> h = new ArrayList<>();
    for (int e = 1; e <= upTo; e++) h.add(new Epoch(e, 1.0 / e, Map.of("accuracy", 0.5), 2.0 / e, Map.of("accuracy", 0.25), 1e-3, 0.5));
    return new Checkpoints.Run(epochs, h, "val", startsOver);
  }

  /** Issue 25, item 2: a run that does not resume never starts in a folder of another run's checkpoints unless told to start over. */
  @Test
  void anotherRunsCheckpointsNeedResumeOrOverwrite(@TempDir Path d) throws Exception {
    Path ck = d.resolve("ck");
    assertDoesNotThrow(() -> CheckpointFolder.requireNotInUse(ck, false, false), "a folder that does not exist yet");
    Files.createDirectories(ck);
    Files.writeString(ck.resolve("notes.txt"), "mine");
    Files.writeString(ck.resolve("ckpt-9.npz"), "not tfgraph's: no index names it");
    assertDoesNotThrow(() -> CheckpointFolder.requireNotInUse(ck, false, false), "a folder of unrelated files");
    for (int e = 1; e <= 3; e++) Checkpoints.save(ck, CheckpointsTest.state(e), CheckpointsTest.vars(e), run(5, e, e == 1));
    BadInputException no = assertThrows(BadInputException.class, () -> CheckpointFolder.requireNotInUse(ck, false, false));
    String m = no.getMessage();
    assertTrue(m.contains(ck.toString()) && m.contains("epoch 3 of 5") && m.contains("written 20"), m);
    assertTrue(m.contains("(resume)") && m.contains("(overwrite_checkpoints)") && m.contains("checkpoint_dir"), m);
    assertDoesNotThrow(() -> CheckpointFolder.requireNotInUse(ck, true, false));
    assertDoesNotThrow(() -> CheckpointFolder.requireNotInUse(ck, false, true));
    TrainOptions.Builder both = TrainOptions.builder().checkpointDir(ck).resume(true).overwriteCheckpoints(true);
    assertTrue(assertThrows(BadInputException.class, both::build).getMessage().contains("exclude each other"));
    TrainOptions.Builder plain = TrainOptions.builder().checkpointDir(ck);
    assertThrows(BadInputException.class, plain::build);
    Files.writeString(ck.resolve(Checkpoints.INDEX), "{ half");
    m = assertThrows(BadInputException.class, () -> CheckpointFolder.requireNotInUse(ck, false, false)).getMessage();
    assertTrue(m.contains("cannot be read") && m.contains("(overwrite_checkpoints)"), m);
  }

  /** Starting over keeps the old run's checkpoints until the new run has one, then deletes only the files the old index named. */
  @Test
  void startingOverReplacesTheOldRunsFilesAtItsFirstCheckpoint(@TempDir Path ck) throws Exception {
    for (int e = 1; e <= 3; e++) Checkpoints.save(ck, CheckpointsTest.state(e), CheckpointsTest.vars(e), run(3, e, e == 1));
    Path mine = Files.writeString(ck.resolve("notes.txt"), "keep");
    Path stray = Files.writeString(ck.resolve("ckpt-7.npz"), "keep: no index names it");
    assertTrue(Files.exists(ck.resolve("ckpt-2.npz")) && Files.exists(ck.resolve("ckpt-3.npz")));
    Checkpoints.save(ck, CheckpointsTest.state(1), CheckpointsTest.vars(9), run(2, 1, true));
    assertFalse(Files.exists(ck.resolve("ckpt-2.npz")) || Files.exists(ck.resolve("ckpt-3.npz")), "the old run's checkpoints");
    assertTrue(Files.exists(mine) && Files.exists(stray) && Files.exists(ck.resolve("ckpt-1.npz")));
    JsonNode idx = new ObjectMapper().readTree(ck.resolve(Checkpoints.INDEX).toFile());
    assertNull(idx.get("previous"), "the new run chains to none of the old run's checkpoints");
    Checkpoints.Loaded l = Checkpoints.load(ck);
    assertEquals(1, l.state().epoch());
    assertEquals(9f, l.variables().get("s.scale").toFloats()[0]);
    assertEquals(1, l.history().size());
  }

  /** The history a checkpoint records comes back with it, up to its own epoch when an older entry is used. */
  @Test
  void historyRoundTripsThroughTheIndex(@TempDir Path ck) throws Exception {
    for (int e = 1; e <= 3; e++) Checkpoints.save(ck, CheckpointsTest.state(e), CheckpointsTest.vars(e), run(4, e, e == 1));
    Checkpoints.Loaded l = Checkpoints.load(ck);
    assertEquals(List.of(1, 2, 3), l.history().stream().map(Epoch::epoch).toList());
    Epoch two = l.history().get(1);
    assertEquals(0.5, two.trainLoss());
    assertEquals(1.0, two.valLoss());
    assertEquals(Map.of("accuracy", 0.25), two.val());
    assertEquals(Map.of("accuracy", 0.5), two.train());
    byte[] b = Files.readAllBytes(ck.resolve("ckpt-3.npz"));
    b[b.length / 2] ^= 0x5a;
    Files.write(ck.resolve("ckpt-3.npz"), b);
    l = Checkpoints.load(ck);
    assertEquals(2, l.state().epoch());
    assertEquals(List.of(1, 2), l.history().stream().map(Epoch::epoch).toList(), "the history of the checkpoint used");
  }

  /** An epoch in Keras' History form: held-out keys prefixed, absent without held-out data, non-finite values null. */
  @Test
  void anEpochAsJson() {
    Epoch e = new Epoch(4, 0.25, Map.of("accuracy", 0.75), 0.5, Map.of("accuracy", 0.5), 1e-3, 2.0);
    JsonNode j = e.toJson("val");
    assertEquals(List.of("epoch", "loss", "accuracy", "val_loss", "val_accuracy", "learning_rate", "seconds"),
        iterable(j.fieldNames()));
    assertEquals(e, Epoch.fromJson(j, "val"));
    JsonNode none = new Epoch(1, 0.25, Map.of("mse", Double.NaN), Double.NaN, Map.of(), 1e-3, 2.0).toJson(null);
    assertFalse(none.has("val_loss"));
    assertTrue(none.get("mse").isNull());
  }

  private static List<String> iterable(java.util.Iterator<String> it) {
    List<String> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
