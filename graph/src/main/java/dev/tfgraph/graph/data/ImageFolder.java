package dev.tfgraph.graph.data;

import dev.tfgraph.graph.BadInputException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Class folders, as Keras' {@code image_dataset_from_directory(labels="inferred")} reads them
 * (docs/data-formats.md): {@code DIR/<class>/<file>}, classes sorted by Unicode code point, a
 * label the class's index; {@code .jpg .jpeg .png .bmp .gif} in any case, other files ignored,
 * subfolders of a class folder not read. Lists files only: decoding is the reader's.
 */
public final class ImageFolder {
  /** One image file and its label. */
  public record Item(Path file, int label) {}

  /** A folder's classes and its images, class by class, files sorted by name within a class. */
  public record Listing(Path dir, List<String> classes, List<Item> items) {}

  /** Names compared by Unicode code point (as Python sorts str), not by UTF-16 unit. */
  public static final Comparator<String> CODE_POINT_ORDER = (a, b) -> {
    int[] x = a.codePoints().toArray(), y = b.codePoints().toArray();
    return java.util.Arrays.compare(x, y);
  };

  private ImageFolder() {}

  /**
   * Whether dir holds at least one folder.
   *
   * @param dir a folder
   * @return true when it has a subfolder
   * @throws BadInputException when the folder cannot be listed
   */
  public static boolean holdsFolders(Path dir) {
    return !subfolders(dir).isEmpty();
  }

  static List<Path> subfolders(Path dir) {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) if (Files.isDirectory(p)) out.add(p);
    } catch (IOException e) {
      throw new BadInputException("cannot list " + dir + ": " + e.getMessage());
    }
    out.sort(Comparator.comparing(p -> p.getFileName().toString(), CODE_POINT_ORDER));
    return out;
  }

  /**
   * The classes and images of dir; a class folder without images is bad input naming it.
   *
   * @param dir a folder of class folders, one per class
   * @return the class names in code-point order and each image with its class index (its folder's position)
   * @throws BadInputException when the folder cannot be listed or a class folder holds no image
   */
  public static Listing list(Path dir) {
    List<Path> classes = subfolders(dir);
    if (classes.isEmpty()) throw new BadInputException(dir + " holds no class folders (expected " + dir + "/<class>/<image>)");
    List<String> names = new ArrayList<>();
    List<Item> items = new ArrayList<>();
    for (int label = 0; label < classes.size(); label++) {
      Path c = classes.get(label);
      names.add(c.getFileName().toString());
      List<Path> files = new ArrayList<>();
      try (DirectoryStream<Path> s = Files.newDirectoryStream(c)) {
        for (Path f : s) if (ImageDecoding.isImageFile(f) && Files.isRegularFile(f)) files.add(f);
      } catch (IOException e) {
        throw new BadInputException("cannot list " + c + ": " + e.getMessage());
      }
      if (files.isEmpty()) {
        throw new BadInputException("class folder " + c + " holds no images (.jpg .jpeg .png .bmp .gif; subfolders are not read)");
      }
      files.sort(Comparator.comparing(p -> p.getFileName().toString(), CODE_POINT_ORDER));
      for (Path f : files) items.add(new Item(f, label));
    }
    return new Listing(dir, List.copyOf(names), List.copyOf(items));
  }

  /**
   * {@code [train, test]} when DIR/train and DIR/test both hold class folders (the same classes
   * required), else {@code [all of DIR]}.
   *
   * @param dir a folder of class folders, or of train/ and test/
   * @return one or two listings
   * @throws BadInputException when a folder cannot be listed, a class folder holds no image, or the
   *     two splits' classes differ
   */
  public static List<Listing> splits(Path dir) {
    Path train = dir.resolve("train"), test = dir.resolve("test");
    if (Files.isDirectory(train) && Files.isDirectory(test) && holdsFolders(train) && holdsFolders(test)) {
      Listing a = list(train), b = list(test);
      for (String c : a.classes()) {
        if (!b.classes().contains(c)) throw new BadInputException("class '" + c + "' is in " + train + " but not in " + test + " (the splits need the same classes)");
      }
      for (String c : b.classes()) {
        if (!a.classes().contains(c)) throw new BadInputException("class '" + c + "' is in " + test + " but not in " + train + " (the splits need the same classes)");
      }
      return List.of(a, b);
    }
    return List.of(list(dir));
  }
}
