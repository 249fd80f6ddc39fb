package dev.tfgraph.graph.callbacks;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.RunFailedException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.io.NpyArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest {
  static Map<String, NpyArray> vars(float v) {
    Map<String, NpyArray> m = new LinkedHashMap<>();
    m.put("s.scale", NpyArray.ofFloats(new long[] {3}, new float[] {v, v, v}));
    m.put("optimizer.s.scale.m", NpyArray.ofFloats(new long[] {3}, new float[3]));
    return m;
  }

  static Checkpoints.State state(int epoch) {
    return new Checkpoints.State(epoch, epoch * 10L);
  }

  /** An index naming "../victim" or "/abs/victim" as the previous file: nothing outside the folder is deleted or read. */
  @Test
  void deletesAndReadsOnlyPlainCheckpointNamesInsideTheFolder(@TempDir Path d) throws Exception {
    Path dir = d.resolve("ck");
    Files.createDirectories(dir);
    Path victim = Files.writeString(d.resolve("victim"), "keep");
    Path absVictim = Files.writeString(d.resolve("abs-victim.npz"), "keep");
    Path inside = Files.writeString(dir.resolve("notes.txt"), "keep");
    for (String evil : new String[] {"../victim", absVictim.toString(), "notes.txt", "sub/../../victim"}) {
      Files.writeString(dir.resolve(Checkpoints.INDEX), "{\"file\": \"ckpt-7.npz\", \"sha256\": \"x\", \"epoch\": 7, \"step\": 1, "
          + "\"best_val_loss\": 1, \"bad_epochs\": 0, \"previous\": {\"file\": \"" + evil + "\"}}");
      Checkpoints.save(dir, state(8), vars(1));
      assertTrue(Files.exists(victim) && Files.exists(absVictim) && Files.exists(inside), "deleted by previous.file " + evil);
    }
    // rotation of our own files still works: the one before the previous is deleted
    Checkpoints.save(dir, state(9), vars(2));
    Checkpoints.save(dir, state(10), vars(3));
    assertFalse(Files.exists(dir.resolve("ckpt-8.npz")));
    assertTrue(Files.exists(dir.resolve("ckpt-9.npz")) && Files.exists(dir.resolve("ckpt-10.npz")));
    assertEquals(10, Checkpoints.load(dir).state().epoch());
    // an index that names a file outside is never read
    Files.writeString(dir.resolve(Checkpoints.INDEX), "{\"file\": \"../abs-victim.npz\", \"sha256\": \"x\", \"epoch\": 1}");
    BadInputException e = assertThrows(BadInputException.class, () -> Checkpoints.load(dir));
    assertTrue(e.getMessage().contains("expected a file name ckpt-<n>.npz"), e.getMessage());
  }

  /** A run killed (SIGTERM, SIGKILL) mid-write leaves a temporary file: the next run removes ours, and only ours. */
  @Test
  void removesTemporaryLeftoversOfKilledRunsOnly(@TempDir Path dir) throws Exception {
    long live = ProcessHandle.current().parent().orElseThrow().pid();
    Path dead = Files.writeString(dir.resolve(".ckpt-2.npz.4999999-k3j2.tmp"), "half");
    Path deadIndex = Files.writeString(dir.resolve(".checkpoint.json.4999999-k3j2.tmp"), "half");
    Path legacy = Files.writeString(dir.resolve(".ckpt-2.npz8812738712.tmp"), "half");
    Path running = Files.writeString(dir.resolve(".ckpt-2.npz." + live + "-k3j2.tmp"), "being written");
    Path foreign = Files.writeString(dir.resolve(".notes.4999999-k3j2.tmp"), "keep");
    Path user = Files.writeString(dir.resolve("ckpt-2.npz.tmp"), "keep");
    CheckpointFolder.removeLeftovers(dir);
    assertFalse(Files.exists(dead) || Files.exists(deadIndex) || Files.exists(legacy), "leftovers removed");
    assertTrue(Files.exists(running) && Files.exists(foreign) && Files.exists(user), "other files kept");
  }

  /** An edited index: negative counters fall back to the previous entry; with none left, bad input naming the field. */
  @Test
  void hostileIndexCountersAreRefused(@TempDir Path dir) throws Exception {
    Checkpoints.save(dir, state(1), vars(1));
    Checkpoints.save(dir, state(2), vars(2));
    Path index = dir.resolve("checkpoint.json");
    String json = Files.readString(index);
    Files.writeString(index, json.replaceFirst("\"epoch\"\\s*:\\s*2", "\"epoch\":-5"));
    Checkpoints.Loaded ck = Checkpoints.load(dir);
    assertEquals(1, ck.state().epoch(), "the previous entry, whose counters are good");
    Files.writeString(index, json.replaceAll("\"step\"\\s*:\\s*\\d+", "\"step\":\"ten\""));
    BadInputException e = assertThrows(BadInputException.class, () -> Checkpoints.load(dir));
    assertTrue(e.getMessage().contains("step \"ten\", expected a whole number >= 0"), e.getMessage());
    Files.writeString(index, "{not json");
    e = assertThrows(BadInputException.class, () -> Checkpoints.load(dir));
    assertTrue(e.getMessage().contains("checkpoint.json is unreadable"), e.getMessage());
  }

  /** Weights that went NaN in training are never checkpointed: the run fails (exit 3) naming the weight and index. */
  @Test
  void refusesNonFiniteVariables(@TempDir Path dir) throws Exception {
    Checkpoints.save(dir, state(1), vars(1));
    Map<String, NpyArray> bad = vars(1);
    bad.put("optimizer.s.scale.m", NpyArray.ofFloats(new long[] {3}, new float[] {0, Float.NaN, 0}));
    RunFailedException e = assertThrows(RunFailedException.class, () -> Checkpoints.save(dir, state(2), bad));
    assertTrue(e.getMessage().contains("\"optimizer.s.scale.m\"") && e.getMessage().contains("[1]"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("ckpt-2.npz")));
    Checkpoints.Loaded l = Checkpoints.load(dir);
    assertNotNull(l);
    assertEquals(1, l.state().epoch());
  }
}
