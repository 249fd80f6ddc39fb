package dev.tfgraph.export.serving;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.io.BoundedJson;
import java.nio.file.Files;
import java.nio.file.Path;

/** The reading of {@link ExportRecord#FILE} beside a SavedModel, checked to hold a spec before an {@link ExportRecord} is made of it. */
final class ExportRecordFile {
  private ExportRecordFile() {}

  /**
   * The tfgraph.json record: null when absent (a foreign SavedModel); a file that is unreadable,
   * not JSON, or without the spec tfgraph writes is bad input naming the file and the problem,
   * so that no caller guesses what the model is.
   */
  static JsonNode read(Path dir) {
    Path f = dir.resolve(ExportRecord.FILE);
    if (!Files.exists(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return null;
    JsonNode info = BoundedJson.read(f, BoundedJson.MAX_FILE_BYTES, f + " is corrupt or unreadable");
    JsonNode layers = info == null ? null : info.path("spec").path("layers");
    if (info == null || !info.isObject() || !info.path("spec").isObject() || !layers.isArray() || layers.isEmpty()) {
      throw new BadInputException(f + " is corrupt: expected a JSON object with \"spec\" holding a non-empty "
          + "\"layers\" list (as tfgraph exports it), received " + abbreviate(String.valueOf(info)));
    }
    return info;
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
