package dev.tfgraph.graph.callbacks;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.RunFailedException;
import dev.tfgraph.graph.runtime.WeightCheck;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tfgraph.graph.io.Npz;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.io.OutputFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * Training checkpoints: every variable (weights and optimizer slots) in {@code ckpt-<epoch>.npz},
 * and {@code checkpoint.json} naming the latest file, its SHA-256, the loop state and the state of
 * each {@link Stateful} listener (under {@code "listeners"}, by its key). Both are
 * written to a temporary file, flushed and renamed, so a kill at any moment leaves the previous
 * checkpoint usable; a corrupt file is detected by its checksum and the previous one is used.
 */
public final class Checkpoints {
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper()
      .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
  /** The index file's name in a checkpoint folder: {@value}. */
  public static final String INDEX = "checkpoint.json";
  /** Where a checkpoint that is skipped on resume (missing, corrupt, bad counters) is reported, as a warning. */
  private static final System.Logger LOG = System.getLogger(Checkpoints.class.getName());
  /** Epochs of history an index keeps (the latest; about 200 bytes each). */
  static final int MAX_HISTORY = 10_000;

  /** Loop state: epochs done and the global step. */
  public record State(int epoch, long step) {}

  /**
   * A checkpoint: its loop state, variables, file, the run's epochs it recorded (oldest first, possibly
   * empty), and the listeners' states by key (an index of an older version: its early-stopping counters,
   * as {@link EarlyStopping}'s state).
   */
  public record Loaded(State state, Map<String, NpyArray> variables, Path file, List<Epoch> history,
      Map<String, JsonNode> listeners) {}

  private Checkpoints() {}

  /**
   * What an index records of the run besides its variables: the epochs it was asked for, its
   * history so far ({@link Epoch}, held-out metrics named by {@code heldOut}), and
   * whether this is the first checkpoint of a run that started the folder over.
   */
  public record Run(int epochs, List<Epoch> history, String heldOut, boolean startsOver, Map<String, JsonNode> listeners) {
    /**
     * A run whose listeners keep no state.
     *
     * @param epochs the epochs the run was asked for
     * @param history the epochs so far, oldest first
     * @param heldOut the prefix of the held-out metrics' names (e.g. "val" for val_loss), or null
     * @param startsOver true for the first checkpoint of a run that replaces the folder's checkpoints
     */
    public Run(int epochs, List<Epoch> history, String heldOut, boolean startsOver) {
      this(epochs, history, heldOut, startsOver, Map.of());
    }
  }

  /**
   * As {@link #save(Path, State, Map, Run)} for a run that continues the folder's checkpoints, without history.
   *
   * @param dir the checkpoint folder, created when missing
   * @param s epochs done and the global step
   * @param variables every variable by key, weights and optimizer slots
   * @throws dev.tfgraph.graph.RunFailedException when a variable is not finite or the files cannot be written
   */
  public static void save(Path dir, State s, Map<String, NpyArray> variables) {
    save(dir, s, variables, null);
  }

  /**
   * Writes {@code ckpt-<epoch>.npz} and then the index naming it; keeps the previous checkpoint
   * and deletes the one before (only a plain {@code ckpt-<n>.npz} name inside {@code dir}). The
   * first checkpoint of a run that starts over ({@code run.startsOver()}) chains to none and
   * deletes the checkpoint files the old index named: until then the old run's checkpoints stay.
   * Non-finite variables fail the run and write nothing: the last good checkpoint stays.
   *
   * @param dir the checkpoint folder, created when missing
   * @param s epochs done and the global step
   * @param variables every variable by key, weights and optimizer slots
   * @param run the run's epochs, history and listener states; null for none
   * @throws dev.tfgraph.graph.RunFailedException when a variable is not finite or the files cannot be written
   */
  public static void save(Path dir, State s, Map<String, NpyArray> variables, Run run) {
    WeightCheck.requireFinite(variables, false, "checkpoint of epoch " + s.epoch() + " not written in " + dir);
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve("ckpt-" + s.epoch() + ".npz");
      Npz.write(file, variables);
      ObjectNode idx = JSON.createObjectNode();
      boolean over = run != null && run.startsOver();
      JsonNode old = over ? CheckpointFolder.readIndexOrNull(dir) : CheckpointFolder.readIndex(dir);
      if (old != null && !old.isObject()) old = null;
      idx.put("file", file.getFileName().toString());
      idx.put("sha256", CheckpointFolder.sha256(file));
      idx.put("epoch", s.epoch());
      idx.put("step", s.step());
      idx.put("written", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
      if (run != null) {
        idx.put("epochs", run.epochs());
        if (!run.listeners().isEmpty()) {
          ObjectNode states = idx.putObject("listeners");
          run.listeners().forEach(states::set);
        }
        if (run.heldOut() != null) idx.put("held_out", run.heldOut());
        ArrayNode h = idx.putArray("history");
        List<Epoch> kept = run.history().subList(Math.max(0, run.history().size() - MAX_HISTORY), run.history().size());
        kept.forEach(e -> h.add(e.toJson(run.heldOut())));
      }
      if (old != null && !over) {
        ObjectNode prev = ((ObjectNode) old).deepCopy();
        prev.remove(List.of("previous", "history"));
        idx.set("previous", prev);
      }
      OutputFiles.write(dir.resolve(INDEX), JSON.writeValueAsBytes(idx));
      if (over) {   // the old run's files, now that this run has a checkpoint of its own
        for (JsonNode e = old; e != null; e = e.get("previous")) {
          Path named = IndexEntries.fileIn(dir, e.get("file"));
          if (named != null && !named.equals(file)) Files.deleteIfExists(named);
        }
        return;
      }
      Path stale = old == null ? null : IndexEntries.fileIn(dir, old.path("previous").path("file"));
      if (stale != null && !stale.equals(file) && !stale.equals(IndexEntries.fileIn(dir, old.path("file")))) {
        Files.deleteIfExists(stale);
      }
    } catch (IOException e) {
      throw new RunFailedException("cannot write checkpoint in " + dir + ": " + e.getMessage()
          + " (the previous checkpoint is intact)", e);
    }
  }

  /**
   * The latest good checkpoint, or null if the folder holds none. A missing or corrupt file, or
   * an index entry with bad counters, is logged as a warning and the previous checkpoint is tried.
   *
   * @param dir the checkpoint folder
   * @return the checkpoint, or null when the folder has no index
   * @throws BadInputException when the index is unreadable, or no checkpoint it names is usable
   */
  public static Loaded load(Path dir) {
    JsonNode idx = CheckpointFolder.readIndex(dir);
    if (idx == null) return null;
    String problem = null;
    for (JsonNode e = idx; e != null && e.has("file"); e = e.get("previous")) {
      Path file = IndexEntries.fileIn(dir, e.get("file"));
      if (file == null) {
        problem = "the index names " + e.get("file") + ", expected a file name ckpt-<n>.npz";
        continue;
      }
      try {
        if (!Files.isRegularFile(file)) {
          problem = file + " is missing";
          LOG.log(System.Logger.Level.WARNING, "checkpoint " + problem + "; trying the previous one");
          continue;
        }
        if (!CheckpointFolder.sha256(file).equals(e.get("sha256").asText())) {
          problem = file + " is corrupt (checksum mismatch)";
          LOG.log(System.Logger.Level.WARNING, "checkpoint " + problem + "; trying the previous one");
          continue;
        }
        String bad = IndexEntries.counters(e);
        if (bad != null) {
          problem = "the index gives " + bad;
          LOG.log(System.Logger.Level.WARNING, "checkpoint " + file + ": " + problem + "; trying the previous one");
          continue;
        }
        State s = new State(e.get("epoch").asInt(), e.get("step").asLong());
        return new Loaded(s, Npz.read(file), file, IndexEntries.history(idx, s.epoch()), IndexEntries.listeners(e));
      } catch (IOException | RuntimeException ex) {
        problem = file + ": " + ex.getMessage();
      }
    }
    throw new BadInputException("no usable checkpoint in " + dir + " (" + problem
        + "); start over without it: replace it (overwrite_checkpoints) instead of resuming");
  }

}
