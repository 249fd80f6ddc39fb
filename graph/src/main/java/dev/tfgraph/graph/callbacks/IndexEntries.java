package dev.tfgraph.graph.callbacks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reading the entries of a checkpoint index ({@link Checkpoints#INDEX}), which comes from disk and is
 * trusted in nothing: the file an entry names, its counters, the listeners' states and the history it
 * recorded, and the line that describes it.
 */
final class IndexEntries {
  private static final Pattern CKPT = Pattern.compile("ckpt-[0-9]{1,10}\\.npz");

  private IndexEntries() {}

  /** "the checkpoint of another run at epoch 150 of 150, written 2026-12-07T10:00:00Z" from an index (of an older version: its file's time). */
  static String describe(JsonNode idx, Path file) {
    if (idx == null || !idx.isObject() || !idx.has("file")) return "a checkpoint index that names no checkpoint";
    JsonNode epochs = idx.get("epochs"), written = idx.get("written");
    String when = written != null && written.isTextual() ? written.asText() : null;
    if (when == null) {
      try {
        when = Files.getLastModifiedTime(file).toInstant().truncatedTo(ChronoUnit.SECONDS).toString();
      } catch (IOException e) {
        when = null;
      }
    }
    return "the checkpoint of another run at epoch " + idx.path("epoch").asText("?")
        + (epochs != null && epochs.canConvertToInt() ? " of " + epochs.asInt() : "")
        + (when != null ? ", written " + when : "");
  }

  /** The epochs an index recorded (up to {@code epoch}, the checkpoint's), oldest first; empty without any. */
  static List<Epoch> history(JsonNode idx, int epoch) {
    List<Epoch> out = new ArrayList<>();
    JsonNode h = idx.get("history");
    if (h == null || !h.isArray()) return out;
    String heldOut = idx.path("held_out").isTextual() ? idx.get("held_out").asText() : null;
    for (JsonNode n : h) {
      Epoch e = Epoch.fromJson(n, heldOut);
      if (e != null && e.epoch() <= epoch) out.add(e);
    }
    return out;
  }

  /**
   * The checkpoint file an index entry names, or null unless the name is a plain
   * {@code ckpt-<n>.npz} (no folder, no "..", no absolute path): the index is read from disk and
   * never decides what is read or deleted outside {@code dir}.
   */
  static Path fileIn(Path dir, JsonNode name) {
    if (name == null || !name.isTextual() || !CKPT.matcher(name.asText()).matches()) return null;
    return dir.resolve(name.asText());
  }

  /**
   * The listeners' states an index entry recorded, by key; an entry of an older version kept early
   * stopping's counters beside the loop's (best_val_loss, bad_epochs): they are its state.
   */
  static Map<String, JsonNode> listeners(JsonNode e) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    JsonNode states = e.get("listeners");
    if (states != null && states.isObject()) states.fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue()));
    if (!out.containsKey(EarlyStopping.KEY) && e.has("bad_epochs") && e.has("best_val_loss")) {
      ObjectNode legacy = JsonNodeFactory.instance.objectNode();
      legacy.set("best_val_loss", e.get("best_val_loss"));
      legacy.set("bad_epochs", e.get("bad_epochs"));
      out.put(EarlyStopping.KEY, legacy);
    }
    return out;
  }

  /**
   * What is wrong with an index entry's counters (epoch, step: whole numbers >= 0; in an index of an older
   * version also bad_epochs, a whole number >= 0, and best_val_loss, a number), or null.
   */
  static String counters(JsonNode e) {
    for (String k : new String[] {"epoch", "step", "bad_epochs"}) {
      JsonNode v = e.get(k);
      if (v == null && k.equals("bad_epochs")) continue;
      if (v == null || !v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0 || (!k.equals("step") && v.asLong() > Integer.MAX_VALUE)) {
        return k + " " + v + ", expected a whole number >= 0";
      }
    }
    JsonNode b = e.get("best_val_loss");
    if (b != null && !(b.isNumber() || b.isTextual() && b.asText().matches("-?Infinity|NaN"))) return "best_val_loss " + b + ", expected a number";
    return null;
  }
}
