package dev.tfgraph.graph.io;

import dev.tfgraph.graph.BadInputException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/** The TFRecord files a data value names ({@link TfRecords#files}): one file, a folder's, or a glob's. */
final class RecordFiles {
  private RecordFiles() {}

  /**
   * The files a value names: one file, the TFRecord files of a folder (sorted by name), or the
   * files a glob matches in its folder (wildcards in the last component only; sorted).
   */
  static List<Path> list(String value) {
    List<Path> out = new ArrayList<>();
    Path p = Path.of(value);
    if (TfRecords.isGlob(value)) {
      Path dir = p.getParent() == null ? Path.of(".") : p.getParent();
      if (TfRecords.isGlob(dir.toString())) throw new BadInputException("TFRecord glob " + value + ": wildcards are allowed in the file name only");
      if (!Files.isDirectory(dir)) throw new BadInputException("TFRecord glob " + value + ": folder " + dir + " does not exist");
      PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + p.getFileName());
      try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
        for (Path f : s) if (Files.isRegularFile(f) && m.matches(f.getFileName())) out.add(f);
      } catch (IOException e) {
        throw new BadInputException("cannot list " + dir + ": " + e.getMessage());
      }
      if (out.isEmpty()) throw new BadInputException("TFRecord glob " + value + " matches no file");
    } else if (Files.isDirectory(p)) {
      try (DirectoryStream<Path> s = Files.newDirectoryStream(p)) {
        for (Path f : s) if (Files.isRegularFile(f) && TfRecords.isRecordFile(f)) out.add(f);
      } catch (IOException e) {
        throw new BadInputException("cannot list " + p + ": " + e.getMessage());
      }
      if (out.isEmpty()) throw new BadInputException(p + " holds no .tfrecord files");
    } else {
      IoErrors.requireRegularFile(p, "TFRecord file " + p, null);
      out.add(p);
    }
    out.sort(null);
    return out;
  }
}
