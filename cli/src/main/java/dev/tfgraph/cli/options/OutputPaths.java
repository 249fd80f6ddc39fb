package dev.tfgraph.cli.options;

import dev.tfgraph.graph.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Output paths checked before any work starts (exit 2), so that a bad one found after training
 * never costs a run its results. Files are written through a temporary file in their folder and
 * a rename, and missing folders are created: so a file's folder, or its nearest existing
 * ancestor, must be a writable folder.
 */
public final class OutputPaths {
  private OutputPaths() {}

  /** A folder that exists or can be created (null: not asked for). */
  public static void folder(String option, Path p) {
    if (p == null) return;
    if (p.toString().isEmpty()) throw new BadInputException(option + " is empty, expected a folder path");
    if (Files.exists(p) && !Files.isDirectory(p)) throw new BadInputException(option + " " + p + " is a file, expected a folder");
    creatable(option, p, p);
  }

  /** A file that can be written and that is none of the command's inputs nor inside the model folder it reads. */
  public static void file(String option, Path p, Path modelDir, Path... inputs) {
    file(option, p);
    if (p != null) dev.tfgraph.graph.io.OutputFiles.checkNotInput(p, option, modelDir, inputs);
  }

  /** A file that can be written, replacing any old one (null: not asked for). */
  public static void file(String option, Path p) {
    if (p == null) return;
    if (p.toString().isEmpty()) throw new BadInputException(option + " is empty, expected a file path");
    if (Files.isDirectory(p)) throw new BadInputException(option + " " + p + " is a folder, expected a file");
    Path parent = p.toAbsolutePath().getParent();
    if (parent != null) creatable(option, p, parent);
  }

  private static void creatable(String option, Path p, Path dir) {
    Path a = dir.toAbsolutePath().normalize();
    while (a != null && !Files.exists(a)) a = a.getParent();   // the nearest folder that exists
    if (a == null) return;
    if (!Files.isDirectory(a)) throw new BadInputException(option + " " + p + ": " + a + " is a file, expected a folder");
    if (!Files.isWritable(a)) throw new BadInputException(option + " " + p + ": folder " + a + " is not writable");
  }
}
