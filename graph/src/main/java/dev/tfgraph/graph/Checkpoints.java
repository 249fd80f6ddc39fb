package dev.tfgraph.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tfgraph.graph.data.Npz;
import dev.tfgraph.graph.data.NpyArray;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

/**
 * Training checkpoints: every variable (weights and optimizer slots) in {@code ckpt-<epoch>.npz},
 * and {@code checkpoint.json} naming the latest file, its SHA-256 and the loop state. Both are
 * written to a temporary file, flushed and renamed, so a kill at any moment leaves the previous
 * checkpoint usable; a corrupt file is detected by its checksum and the previous one is used.
 */
public final class Checkpoints {
  public static final String INDEX = "checkpoint.json";

  /** Loop state: epochs done, global step, best validation loss and epochs without progress. */
  public record State(int epoch, long step, double bestValLoss, int badEpochs) {}

  public record Loaded(State state, Map<String, NpyArray> variables, Path file) {}

  private Checkpoints() {}

  public static void save(Path dir, State s, Map<String, NpyArray> variables) {
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve("ckpt-" + s.epoch() + ".npz");
      Npz.write(file, variables);
      ObjectNode idx = Model.JSON.createObjectNode();
      JsonNode old = readIndex(dir);
      idx.put("file", file.getFileName().toString());
      idx.put("sha256", sha256(file));
      idx.put("epoch", s.epoch());
      idx.put("step", s.step());
      idx.put("best_val_loss", Double.isFinite(s.bestValLoss()) ? s.bestValLoss() : 1e300);
      idx.put("bad_epochs", s.badEpochs());
      if (old != null) {
        ObjectNode prev = ((ObjectNode) old).deepCopy();
        prev.remove("previous");
        idx.set("previous", prev);
      }
      writeAtomically(dir.resolve(INDEX), Model.JSON.writeValueAsBytes(idx));
      if (old != null && old.has("previous") && old.get("previous").has("file")) {
        String stale = old.get("previous").get("file").asText();
        if (!stale.equals(file.getFileName().toString()) && !stale.equals(old.get("file").asText())) {
          Files.deleteIfExists(dir.resolve(stale));
        }
      }
    } catch (IOException e) {
      throw new RunFailedException("cannot write checkpoint in " + dir + ": " + e.getMessage()
          + " (the previous checkpoint is intact)", e);
    }
  }

  /** The latest good checkpoint, or null if the folder holds none. */
  public static Loaded load(Path dir) {
    JsonNode idx = readIndex(dir);
    if (idx == null) return null;
    String problem = null;
    for (JsonNode e = idx; e != null && e.has("file"); e = e.get("previous")) {
      Path file = dir.resolve(Path.of(e.get("file").asText()).getFileName().toString());
      try {
        if (!Files.isRegularFile(file)) {
          problem = file + " is missing";
          continue;
        }
        if (!sha256(file).equals(e.get("sha256").asText())) {
          problem = file + " is corrupt (checksum mismatch)";
          System.err.println("tfgraph: checkpoint " + problem + "; trying the previous one");
          continue;
        }
        State s = new State(e.get("epoch").asInt(), e.get("step").asLong(),
            e.get("best_val_loss").asDouble(), e.get("bad_epochs").asInt());
        return new Loaded(s, Npz.read(file), file);
      } catch (IOException | RuntimeException ex) {
        problem = file + ": " + ex.getMessage();
      }
    }
    throw new RunFailedException("no usable checkpoint in " + dir + " (" + problem
        + "); delete the folder to start over, or run without --resume");
  }

  private static JsonNode readIndex(Path dir) {
    Path p = dir.resolve(INDEX);
    if (!Files.isRegularFile(p)) return null;
    try {
      return Model.JSON.readTree(Files.readAllBytes(p));
    } catch (IOException e) {
      throw new RunFailedException(p + " is unreadable (" + e.getMessage()
          + "); delete the folder to start over, or run without --resume");
    }
  }

  public static String sha256(Path file) throws IOException {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      try (var in = Files.newInputStream(file)) {
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Temp file in the same folder, fsync, atomic rename. */
  public static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(java.nio.ByteBuffer.wrap(bytes));
      ch.force(true);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
