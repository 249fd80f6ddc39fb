package dev.tfgraph.graph.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tfgraph.graph.BadInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each stateful listener's state in the checkpoint index, under its key; an older index's counters as early stopping's. */
class ListenerStateTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void statesAreSavedAndLoadedByKey(@TempDir Path dir) throws Exception {
    JsonNode mine = JSON.readTree("{\"seen\": [1, 2], \"name\": \"x\"}");
    JsonNode es = JSON.readTree("{\"best_val_loss\": 0.25, \"bad_epochs\": 3}");
    Checkpoints.save(dir, CheckpointsTest.state(1), CheckpointsTest.vars(1),
        new Checkpoints.Run(5, List.of(), null, true, Map.of("mine", mine, EarlyStopping.KEY, es)));
    Checkpoints.save(dir, CheckpointsTest.state(2), CheckpointsTest.vars(2),
        new Checkpoints.Run(5, List.of(), null, false, Map.of("mine", JSON.readTree("{\"seen\": [3]}"))));
    Checkpoints.Loaded l = Checkpoints.load(dir);
    assertEquals(Map.of("mine", JSON.readTree("{\"seen\": [3]}")), l.listeners());
    Files.delete(dir.resolve("ckpt-2.npz"));   // the previous entry: its own states
    assertEquals(Map.of("mine", mine, EarlyStopping.KEY, es), Checkpoints.load(dir).listeners());
  }

  @Test
  void anOlderIndexsCountersAreEarlyStoppingsState(@TempDir Path dir) throws Exception {
    Checkpoints.save(dir, CheckpointsTest.state(1), CheckpointsTest.vars(1));
    Path index = dir.resolve(Checkpoints.INDEX);
    String json = Files.readString(index, StandardCharsets.UTF_8);
    Files.writeString(index, json.replaceFirst("\\{", "{\"best_val_loss\": 0.5, \"bad_epochs\": 2,"), StandardCharsets.UTF_8);
    JsonNode state = Checkpoints.load(dir).listeners().get(EarlyStopping.KEY);
    EarlyStopping stopping = new EarlyStopping(2);
    stopping.restore(state);
    assertEquals(2, stopping.badEpochs());
    assertEquals(0.5, stopping.bestValLoss(), 0);
    Files.writeString(index, json.replaceFirst("\\{", "{\"best_val_loss\": 0.5, \"bad_epochs\": -2,"), StandardCharsets.UTF_8);
    String m = assertThrows(BadInputException.class, () -> Checkpoints.load(dir)).getMessage();
    assertTrue(m.contains("bad_epochs -2, expected a whole number >= 0"), m);
  }

  @Test
  void earlyStoppingsStateRoundTripsAndRefusesWhatItCannotRead() throws Exception {
    EarlyStopping fresh = new EarlyStopping(3);
    assertEquals(JSON.readTree("{\"best_val_loss\": 1e300, \"bad_epochs\": 0}"), fresh.state());
    fresh.restore(null);
    assertEquals(Double.POSITIVE_INFINITY, fresh.bestValLoss());
    EarlyStopping back = new EarlyStopping(3);
    back.restore(JSON.readTree("{\"best_val_loss\": 0.125, \"bad_epochs\": 1}"));
    assertEquals(JSON.readTree("{\"best_val_loss\": 0.125, \"bad_epochs\": 1}"), back.state());
    String m = assertThrows(BadInputException.class,
        () -> back.restore(JSON.readTree("{\"best_val_loss\": \"low\", \"bad_epochs\": 1}"))).getMessage();
    assertTrue(m.contains("early_stopping") && m.contains("best_val_loss \"low\", expected a number"), m);
  }
}
