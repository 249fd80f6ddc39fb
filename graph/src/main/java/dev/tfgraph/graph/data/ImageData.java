package dev.tfgraph.graph.data;

import dev.tfgraph.graph.io.TfRecords;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.io.IoErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Image data for training and evaluation (docs/data-formats.md): tells the kind of a data value
 * from what is there (IDX files, class folders, TFRecords), and reads image folders and TFRecords
 * into in-memory {@link Dataset}s, every image decoded by {@link ImageDecoding} before training
 * starts. The sources yield encoded examples one at a time ({@link #encoded}), so that a streaming
 * reader can decode them on background threads instead.
 */
public final class ImageData {
  /** What a data value holds: IDX files (Fashion-MNIST names), class folders, or TFRecord files. */
  public enum Kind {
    /** IDX files: train-images-idx3-ubyte and t10k-images-idx3-ubyte, raw or .gz. */
    IDX,
    /** A folder of class folders, or of train/ and test/ folders of the same class folders. */
    FOLDER,
    /** TFRecord files of tf.train.Example records: a file, a folder, or a glob. */
    TFRECORD
  }

  /**
   * How to read: the model input's example shape [H, W, C], skip_bad_images, the Example keys,
   * the model's number of classes (0: unknown), where warnings (skipped files) go, and
   * max_image_pixels: an image whose header declares more pixels is a bad image ({@link ImageHeader}).
   */
  public record Options(long[] exampleShape, boolean skipBadImages, String imageKey, String labelKey, int numClasses,
      Consumer<String> warnings, long maxImagePixels) {
    /**
     * Checks the shape, the keys and the limit.
     *
     * @param exampleShape the model input's example shape [H, W, C], C 1 or 3
     * @param skipBadImages true to leave out, with a warning, images that cannot be decoded
     * @param imageKey the tf.train.Example feature holding the encoded image
     * @param labelKey the tf.train.Example feature holding the int64 class label
     * @param numClasses the model's number of classes, 0 when unknown
     * @param warnings receives one line per skipped file; null for none
     * @param maxImagePixels the most pixels (width · height) an image header may declare
     * @throws BadInputException when the shape is not [H, W, 1] or [H, W, 3], a key is empty, or the
     *     pixel limit is not positive
     */
    public Options {
      ImageDecoding.checkInputShape("the model input", exampleShape);
      if (imageKey == null || imageKey.isEmpty() || labelKey == null || labelKey.isEmpty()) throw new BadInputException("image and label keys must not be empty");
      if (warnings == null) warnings = w -> {};
      ImageHeader.checkLimit(maxImagePixels);
    }

    /**
     * With the default max_image_pixels ({@link ImageHeader#DEFAULT_MAX_PIXELS}).
     *
     * @param exampleShape the model input's example shape [H, W, C], C 1 or 3
     * @param skipBadImages true to leave out, with a warning, images that cannot be decoded
     * @param imageKey the tf.train.Example feature holding the encoded image, e.g. "image/encoded"
     * @param labelKey the tf.train.Example feature holding the int64 class label
     * @param numClasses the model's number of classes, 0 when unknown
     * @param warnings receives one line per skipped file; null for none
     * @throws BadInputException as the canonical constructor
     */
    public Options(long[] exampleShape, boolean skipBadImages, String imageKey, String labelKey, int numClasses, Consumer<String> warnings) {
      this(exampleShape, skipBadImages, imageKey, labelKey, numClasses, warnings, ImageHeader.DEFAULT_MAX_PIXELS);
    }

    /** {@return a new image decoder for this shape and limit; the caller closes it} */
    public ImageDecoding.Decoder decoder() {
      return new ImageDecoding.Decoder(exampleShape[0], exampleShape[1], exampleShape[2], maxImagePixels);
    }
  }

  /** The splits read (test null when the source has no test split), the class names of a folder (else null), files skipped. */
  public record Loaded(Kind kind, Dataset train, Dataset test, List<String> classes, int skipped) {}

  /** One encoded example: what it is (a file, a file's record), its bytes, its label. */
  public record Encoded(String what, byte[] bytes, int label) {}

  private ImageData() {}

  /**
   * IDX files (MNIST names), a TFRecord file, folder or glob, or class folders.
   *
   * @param value a folder, a TFRecord file, or a glob of TFRecord files
   * @return the kind of data found there
   * @throws BadInputException when the path is missing, or holds none of the three kinds
   */
  public static Kind kind(String value) {
    if (TfRecords.isGlob(value)) return Kind.TFRECORD;
    Path p = Path.of(value);
    if (!Files.isDirectory(p)) {
      IoErrors.requireRegularFile(p, p.toString(), "a folder (class folders, IDX files or TFRecord files) or a TFRecord file");
      if (TfRecords.isRecordFile(p)) return Kind.TFRECORD;
      throw new BadInputException(p + " is a file but not a TFRecord file (.tfrecord, .tfrecords, optionally .gz)");
    }
    for (String base : new String[] {"train-images-idx3-ubyte", "t10k-images-idx3-ubyte"}) {
      if (Files.isRegularFile(p.resolve(base)) || Files.isRegularFile(p.resolve(base + ".gz"))) return Kind.IDX;
    }
    boolean records = false, images = false;
    try (var s = Files.list(p)) {
      for (Path f : (Iterable<Path>) s::iterator) {
        records |= Files.isRegularFile(f) && TfRecords.isRecordFile(f);
        images |= Files.isRegularFile(f) && ImageDecoding.isImageFile(f);
      }
    } catch (IOException e) {
      throw new BadInputException("cannot list " + p + ": " + e.getMessage());
    }
    if (records) return Kind.TFRECORD;
    if (ImageFolder.holdsFolders(p)) return Kind.FOLDER;
    throw new BadInputException(p + " holds no class folders, IDX files or TFRecord files"
        + (images ? " (images directly in it have no class: put them in " + p + "/<class>/)" : ""));
  }

  /**
   * Reads a folder or TFRecord source (not IDX) into memory.
   *
   * @param value a folder of class folders, or TFRecord files
   * @param o the model input's shape and the reading options
   * @return the decoded splits
   * @throws BadInputException for a bad listing, record or (unless skipped) image
   * @throws IllegalArgumentException for IDX data, which {@link Dataset#fashionMnist} reads
   */
  public static Loaded load(String value, Options o) {
    Kind k = kind(value);
    return switch (k) {
      case FOLDER -> loadFolder(Path.of(value), o);
      case TFRECORD -> loadRecords(value, o);
      case IDX -> throw new IllegalArgumentException("IDX data is read by Dataset.fashionMnist");
    };
  }

  static Loaded loadFolder(Path dir, Options o) {
    List<ImageFolder.Listing> splits = ImageFolder.splits(dir);
    List<String> classes = checkClasses(splits.get(0), o);
    int[] skipped = {0};
    try (ImageDecoding.Decoder d = o.decoder()) {
      Dataset train = decodeAll(encoded(splits.get(0)), splits.get(0).items().size(), d, o, skipped);
      Dataset test = splits.size() > 1 ? decodeAll(encoded(splits.get(1)), splits.get(1).items().size(), d, o, skipped) : null;
      return new Loaded(Kind.FOLDER, train, test, classes, skipped[0]);
    }
  }

  /** The training split's class names, as many as the model's classes (when known). */
  static List<String> checkClasses(ImageFolder.Listing train, Options o) {
    List<String> classes = train.classes();
    if (o.numClasses() > 0 && classes.size() != o.numClasses()) {
      throw new BadInputException(train.dir() + " holds " + classes.size() + " class folders " + classes + "; the model outputs "
          + o.numClasses() + " classes");
    }
    return classes;
  }

  static Loaded loadRecords(String value, Options o) {
    List<List<Path>> split = recordSplits(value);
    List<Path> train = split.get(0), test = split.get(1);
    int[] skipped = {0};
    try (ImageDecoding.Decoder d = o.decoder()) {
      Dataset tr = decodeAll(records(train, o), -1, d, o, skipped);
      Dataset te = test.isEmpty() ? null : decodeAll(records(test, o), -1, d, o, skipped);
      return new Loaded(Kind.TFRECORD, tr, te, null, skipped[0]);
    }
  }

  /**
   * TFRecords {training files, test files}: one file, a glob, or a folder; in a folder, files whose
   * names start with "train" and "test" are the two splits when both are there, else every file is
   * training data (the test list is empty).
   */
  static List<List<Path>> recordSplits(String value) {
    List<Path> files = TfRecords.files(value);
    List<Path> train = new ArrayList<>(), test = new ArrayList<>();
    if (Files.isDirectory(Path.of(value)) && !TfRecords.isGlob(value)) {
      for (Path f : files) {
        String n = f.getFileName().toString();
        if (n.startsWith("train")) train.add(f);
        else if (n.startsWith("test")) test.add(f);
      }
    }
    if (train.isEmpty() || test.isEmpty()) return List.of(files, List.of());
    return List.of(train, test);
  }

  /**
   * A folder's images, read one at a time.
   *
   * @param l the folder's listing: files and their class indices
   * @return the encoded examples, in listing order; an unreadable file gives null bytes
   */
  public static Iterator<Encoded> encoded(ImageFolder.Listing l) {
    return EncodedExamples.folder(l);
  }

  /**
   * The images and labels of TFRecord files, one record at a time; a missing or ill-typed key is bad input naming file and record.
   *
   * @param files TFRecord files, raw or .gz, read in order
   * @param o the Example keys and number of classes
   * @return the encoded examples
   */
  public static Iterator<Encoded> records(List<Path> files, Options o) {
    return EncodedExamples.records(files, o);
  }

  /**
   * Decodes every example into a Dataset; a bad image is bad input naming it, or with
   * skipBadImages is named in a warning and counted in {@code skipped[0]}.
   *
   * @param examples the encoded examples
   * @param sizeHint the expected count, for the first allocation; -1 when unknown
   * @param d the decoder
   * @param o the reading options (skip_bad_images, warnings)
   * @param skipped its first element is increased by each skipped image
   * @return the decoded examples, [n, H, W, C] float32 in [0, 1]
   * @throws BadInputException for a bad image (unless skipped), or when no image is left
   */
  public static Dataset decodeAll(Iterator<Encoded> examples, int sizeHint, ImageDecoding.Decoder d, Options o, int[] skipped) {
    int es = d.exampleSize();
    float[] x = new float[Math.multiplyExact(Math.max(sizeHint, 16), es)];
    int[] y = new int[Math.max(sizeHint, 16)];
    int n = 0;
    String first = null;
    while (examples.hasNext()) {
      Encoded e = examples.next();
      first = first == null ? e.what() : first;
      if (n == y.length) {
        y = java.util.Arrays.copyOf(y, n * 2);
        x = java.util.Arrays.copyOf(x, Math.multiplyExact(n * 2, es));
      }
      if (decodeOrSkip(d, e, o, x, n * es, what -> {
        skipped[0]++;                         // every skip counted and named
        return true;
      })) y[n++] = e.label();
    }
    if (n == 0) throw new BadInputException(first == null ? "no examples" : "no image left to read after skipping bad ones (first: " + first + ")");
    return new Dataset(java.util.Arrays.copyOf(x, n * es), java.util.Arrays.copyOf(y, n), d.exampleShape());
  }

  /**
   * Decodes {@code e} into {@code x} at {@code offset}: true when decoded. A bad image is bad input
   * naming it, or with skip_bad_images gives false, named in a warning when {@code newlySkipped}
   * accepts its name (a stream warns once per file, however many epochs read it).
   */
  static boolean decodeOrSkip(ImageDecoding.Decoder d, Encoded e, Options o, float[] x, int offset, Predicate<String> newlySkipped) {
    try {
      if (e.bytes() == null) throw new BadInputException(e.what() + " cannot be read");
      d.decodeInto(e.bytes(), e.what(), x, offset);
      return true;
    } catch (BadInputException bad) {
      if (!o.skipBadImages()) throw new BadInputException(bad.getMessage() + " (skip_bad_images skips such files)", bad);
      if (newlySkipped.test(e.what())) o.warnings().accept("skipped " + bad.getMessage());
      return false;
    }
  }
}
