package dev.tfgraph.export.serving;

import dev.tfgraph.graph.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * TF Serving's layout: {@code BASE/<positive integer>/saved_model.pb}; staging folders are ignored.
 * TF Serving reads a folder name as a number, so {@code 0007} is version 7 as {@code 7} is: versions
 * are compared by value, never by name (docs/savedmodel-layout.md).
 *
 * <p>Internal: used by the exporter and the predictor; not an API.
 */
public final class ModelDirs {
  /** Name prefix of the hidden folders an export writes before it renames one into a version. */
  public static final String STAGING_PREFIX = ".tfgraph-staging-";

  private ModelDirs() {}

  /** The version a folder name stands for (leading zeros allowed, as TF Serving reads it), if it is one. */
  static OptionalInt versionOf(Path p) {
    Path f = p.getFileName();
    String n = f == null ? "" : f.toString().replaceFirst("^0+(?=[0-9])", "");
    if (!n.matches("[1-9][0-9]{0,17}")) return OptionalInt.empty();
    try {
      return OptionalInt.of(Integer.parseInt(n));
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  /**
   * The folder under base that TF Serving would read as version v, whatever its spelling ({@code 7},
   * {@code 0007}), or null when there is none.
   *
   * @param base the model base folder
   * @param v the version number
   * @return the version folder, or null
   * @throws BadInputException when base cannot be listed
   */
  public static Path folderOfVersion(Path base, int v) {
    Path plain = base.resolve(Integer.toString(v));
    if (Files.exists(plain, LinkOption.NOFOLLOW_LINKS)) return plain;
    if (!Files.isDirectory(base)) return null;
    try (Stream<Path> s = Files.list(base)) {
      return s.filter(p -> versionOf(p).orElse(-1) == v).findFirst().orElse(null);
    } catch (IOException e) {
      throw new BadInputException("cannot list " + base + ": " + e.getMessage());
    }
  }

  /**
   * Highest version present under base, read as TF Serving reads folder names.
   *
   * @param base the model base folder (need not exist)
   * @return the highest version, or 0 if there is none
   * @throws BadInputException when base cannot be listed
   */
  public static int highestVersion(Path base) {
    if (!Files.isDirectory(base)) return 0;
    try (Stream<Path> s = Files.list(base)) {
      return s.filter(Files::isDirectory).map(ModelDirs::versionOf).filter(OptionalInt::isPresent)
          .mapToInt(OptionalInt::getAsInt).max().orElse(0);
    } catch (IOException e) {
      throw new BadInputException("cannot list " + base + ": " + e.getMessage());
    }
  }

  /**
   * The SavedModel folder to load: {@code dir} itself when it holds saved_model.pb, else the
   * highest version folder under it that holds one.
   *
   * @param dir a version folder or a model base folder
   * @return the folder holding saved_model.pb
   * @throws BadInputException when dir is not a folder, cannot be listed, or holds no SavedModel
   */
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
