package dev.tfgraph.graph.data;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.data.ImageData.Encoded;
import dev.tfgraph.graph.io.TfRecords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Encoded examples, one at a time, as {@link ImageData} and {@link ImageStream} read them: a
 * folder's image files, or the images and labels of TFRecord files (each record a
 * {@code tf.train.Example}, checked as it is read).
 */
final class EncodedExamples {
  private EncodedExamples() {}

  /** A folder's images, read one at a time. */
  static Iterator<Encoded> folder(ImageFolder.Listing l) {
    Iterator<ImageFolder.Item> it = l.items().iterator();
    return new Iterator<>() {
      public boolean hasNext() {
        return it.hasNext();
      }

      public Encoded next() {
        return file(it.next());
      }
    };
  }

  /** One file's bytes and label; an unreadable file has null bytes, reported (or skipped) as a bad image when decoded. */
  static Encoded file(ImageFolder.Item i) {
    try {
      return new Encoded(i.file().toString(), Files.readAllBytes(i.file()), i.label());
    } catch (IOException e) {
      return new Encoded(i.file().toString(), null, i.label());
    }
  }

  /** The images and labels of TFRecord files, one record at a time; a missing or ill-typed key is bad input naming file and record. */
  static Iterator<Encoded> records(List<Path> files, ImageData.Options o) {
    return new Iterator<>() {
      final Iterator<Path> fs = files.iterator();
      TfRecords.Reader r;

      public boolean hasNext() {
        while (r == null || !r.hasNext()) {
          if (r != null) r.close();
          r = null;
          if (!fs.hasNext()) return false;
          r = new TfRecords.Reader(fs.next());
        }
        return true;
      }

      public Encoded next() {
        if (!hasNext()) throw new NoSuchElementException();
        byte[] rec = r.next();
        return example(r.file() + ": record " + r.index(), rec, o);
      }
    };
  }

  /** One record's image and label, checked against the options' keys and number of classes. */
  private static Encoded example(String what, byte[] rec, ImageData.Options o) {
    Map<String, Examples.Feature> f;
    try {
      f = Examples.parse(rec);
    } catch (IOException e) {
      throw new BadInputException(what + " is not a serialized tf.train.Example (" + e.getMessage() + ")");
    }
    Examples.Feature img = f.get(o.imageKey()), lab = f.get(o.labelKey());
    if (img == null) throw new BadInputException(what + " has no feature \"" + o.imageKey() + "\" (keys: " + f.keySet() + "; image_key names another)");
    if (lab == null) throw new BadInputException(what + " has no feature \"" + o.labelKey() + "\" (keys: " + f.keySet() + "; label_key names another)");
    if (img.bytes() == null || img.bytes().size() != 1) {
      throw new BadInputException(what + ": feature \"" + o.imageKey() + "\" must be a bytes_list of one encoded image, received " + img.kind()
          + (img.bytes() != null ? " of " + img.bytes().size() : ""));
    }
    if (lab.int64s() == null || lab.int64s().size() != 1) {
      throw new BadInputException(what + ": feature \"" + o.labelKey() + "\" must be an int64_list of one label, received " + lab.kind()
          + (lab.int64s() != null ? " of " + lab.int64s().size() : ""));
    }
    long y = lab.int64s().get(0);
    if (y < 0 || y > Integer.MAX_VALUE || (o.numClasses() > 0 && y >= o.numClasses())) {
      throw new BadInputException(what + " has label " + y + ", outside the model's classes [0, " + o.numClasses() + ")");
    }
    return new Encoded(what, img.bytes().get(0), (int) y);
  }
}
