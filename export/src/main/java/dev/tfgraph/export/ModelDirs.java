package dev.tfgraph.export;

import dev.tfgraph.graph.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.stream.Stream;

/** TF Serving's layout: BASE/<positive integer>/saved_model.pb; staging folders are ignored. */
public final class ModelDirs {
  public static final String STAGING_PREFIX = ".tfgraph-staging-";

  private ModelDirs() {}

  static OptionalInt versionOf(Path p) {
    String n = p.getFileName().toString();
    if (!n.matches("[1-9][0-9]{0,17}")) return OptionalInt.empty();
    try {
      return OptionalInt.of(Integer.parseInt(n));
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  /** Highest version present under base (0 if none). */
  public static int highestVersion(Path base) {
    if (!Files.isDirectory(base)) return 0;
    try (Stream<Path> s = Files.list(base)) {
      return s.filter(Files::isDirectory).map(ModelDirs::versionOf).filter(OptionalInt::isPresent)
          .mapToInt(OptionalInt::getAsInt).max().orElse(0);
    } catch (IOException e) {
      throw new BadInputException("cannot list " + base + ": " + e.getMessage());
    }
  }

  /** A version folder, or the highest complete version under a base folder. */
  public static Path resolve(Path dir) {
    if (!Files.isDirectory(dir)) throw new BadInputException("model " + dir + ": no such folder");
    if (Files.isRegularFile(dir.resolve("saved_model.pb"))) return dir;
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> versionOf(p).isPresent() && Files.isRegularFile(p.resolve("saved_model.pb")))
          .max((a, b) -> Integer.compare(versionOf(a).getAsInt(), versionOf(b).getAsInt()))
          .orElseThrow(() -> new BadInputException("model " + dir
              + ": no saved_model.pb, and no version folder (1, 2, ...) holding one"));
    } catch (IOException e) {
      throw new BadInputException("cannot list " + dir + ": " + e.getMessage());
    }
  }
}
