package dev.tfgraph.cli.options;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.data.Dataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import dev.tfgraph.graph.model.InputSpec;
import dev.tfgraph.graph.Shapes;
import dev.tfgraph.graph.data.ImageData;
import dev.tfgraph.graph.data.ImageDecoding;
import dev.tfgraph.graph.data.ImageHeader;
import dev.tfgraph.graph.data.ImageStream;
import dev.tfgraph.graph.io.Npy;
import dev.tfgraph.graph.io.NpyArray;
import picocli.CommandLine.Option;

/**
 * Where data comes from: --data (IDX files, class folders of images, or TFRecords; see
 * docs/data-formats.md), --x/--y (.npy), or the shipped subset.
 */
public final class DataOptions {
  @Option(names = "--data", paramLabel = "DIR|FILE|GLOB",
      description = {"IDX folder (train-*/t10k-* files, .gz or raw, e.g. /usr/share/datasets/fashion-mnist);",
          "a folder of class folders of images (DIR/<class>/*.jpg|png|bmp|gif; DIR/train + DIR/test as splits when both are there);",
          "or TFRecords of tf.train.Example: a .tfrecord[.gz] file, a folder of them (train*/test* files as splits), or a glob"})
  public Path data;

  @Option(names = "--skip-bad-images", description = "skip images that cannot be decoded (each named on stderr, counted as skipped_images) instead of failing")
  public boolean skipBadImages;

  @Option(names = "--max-image-pixels", paramLabel = "N", converter = Ranges.PositiveLong.class,
      description = "refuse (or with --skip-bad-images skip) an image whose header declares more pixels than this, before decoding it (default ${DEFAULT-VALUE}: a float32 RGB decode of 1 GiB)")
  public long maxImagePixels = ImageHeader.DEFAULT_MAX_PIXELS;

  @Option(names = "--image-key", paramLabel = "KEY", description = "TFRecord feature holding the encoded image (default ${DEFAULT-VALUE})")
  public String imageKey = "image/encoded";

  @Option(names = "--label-key", paramLabel = "KEY", description = "TFRecord int64 feature holding the label (default ${DEFAULT-VALUE})")
  public String labelKey = "image/class/label";

  @Option(names = "--in-memory", description = "decode every image of --data into memory before training instead of streaming it (faster epochs for a small set; memory grows with the number of images)")
  public boolean inMemory;

  @Option(names = "--data-workers", paramLabel = "N", converter = Ranges.Positive.class, description = "threads decoding streamed images (default: one a core)")
  public Integer dataWorkers;

  @Option(names = "--shuffle-buffer", paramLabel = "N", converter = Ranges.Positive.class, description = "records in the seeded shuffle buffer of streamed TFRecords (default 10000)")
  public int shuffleBuffer = ImageStream.Settings.DEFAULT_SHUFFLE_BUFFER;

  @Option(names = "--memory-map", description = "read --x .npy files through memory maps, batch by batch, instead of loading them (automatic when they are larger than the heap can hold)")
  public boolean memoryMap;

  /** What --data gave: the splits (test null without one), the class names of an image folder, images skipped (null: not image data). */
  public record Loaded(Dataset train, Dataset test, List<String> classes, Integer skipped) {}

  @Option(names = "--x", paramLabel = "X.npy|NAME=X.npy|X.npz",
      description = "examples as .npy (float32/float64), shape [n, ...]; a model of several inputs: NAME=X.npy once per input, or one .npz keyed by input names")
  public List<String> x;

  @Option(names = "--y", paramLabel = "Y.npy", description = "integer labels as .npy, shape [n]; float targets [n, ...] for --loss categorical_crossentropy, binary_crossentropy, mse or mae")
  public Path y;

  /** The repository's shipped Fashion-MNIST subset. */
  public static Path shipped() {
    String home = System.getProperty("tfgraph.home", ".");
    return Path.of(home, "testdata", "fashion");
  }

  public boolean isNpy() {
    return (x != null && !x.isEmpty()) || y != null;
  }

  public void check() {
    if (data != null && isNpy()) throw new BadInputException("give either --data or --x/--y, not both");
    if (isNpy() && (x == null || x.isEmpty() || y == null)) throw new BadInputException("--x and --y go together");
    if (memoryMap && !isNpy()) throw new BadInputException("--memory-map maps --x .npy files; received " + (data != null ? "--data" : "no --x"));
  }

  /** The training split (or the --x/--y arrays). */
  public Dataset train() {
    check();
    if (isNpy()) return arrays();
    return Dataset.fashionMnist(dir(), true);
  }

  /** The test split, or null with --x/--y. */
  public Dataset test() {
    check();
    if (isNpy()) return null;
    return Dataset.fashionMnist(dir(), false);
  }

  /** Evaluation data: --x/--y if given, else the test split. */
  public Dataset evaluation() {
    check();
    return isNpy() ? arrays() : Dataset.fashionMnist(dir(), false);
  }

  /** Whether --data names image folders or TFRecords (not IDX, not arrays). */
  public boolean isImages() {
    check();
    return data != null && ImageData.kind(data.toString()) != ImageData.Kind.IDX;
  }

  /**
   * Training and test data for a model whose inputs are {@code inputs} and which outputs
   * {@code numClasses} classes (0: unknown); images are decoded to the (only) input's shape.
   */
  public Loaded load(List<InputSpec> inputs, int numClasses) {
    if (!isImages()) return new Loaded(train(), test(), null, null);
    ImageData.Loaded l = images(inputs, numClasses);
    return new Loaded(l.train(), l.test(), l.classes(), l.skipped());
  }

  /** Evaluation data: --x/--y, the IDX test split, or the test split of images (all of them without one). */
  public Loaded evaluation(List<InputSpec> inputs, int numClasses) {
    if (!isImages()) return new Loaded(evaluation(), null, null, null);
    ImageData.Loaded l = images(inputs, numClasses);
    return new Loaded(l.test() != null ? l.test() : l.train(), null, l.classes(), l.skipped());
  }

  /** Whether --data is read as a stream (images, not --in-memory). */
  public boolean streams() {
    return isImages() && !inMemory;
  }

  /** The images of --data, streamed to the (only) input's shape; close them after use. */
  public ImageStream.Splits stream(List<InputSpec> inputs, int numClasses) {
    ImageStream.Settings d = ImageStream.Settings.defaults();
    int workers = dataWorkers != null ? dataWorkers : d.workers();
    return ImageStream.open(data.toString(), options(inputs, numClasses), new ImageStream.Settings(workers, 2 * workers, shuffleBuffer));
  }

  private ImageData.Loaded images(List<InputSpec> inputs, int numClasses) {
    return ImageData.load(data.toString(), options(inputs, numClasses));
  }

  private ImageData.Options options(List<InputSpec> inputs, int numClasses) {
    if (inputs.size() != 1) {
      throw new BadInputException("--data " + data + " holds images, which feed a model of one image input; this model takes "
          + inputs.size() + " inputs");
    }
    InputSpec in = inputs.get(0);
    ImageDecoding.checkInputShape("model input '" + in.name() + "' (--data " + data + " holds images)", Shapes.dims(in.shape()));
    return new ImageData.Options(Shapes.dims(in.shape()), skipBadImages, imageKey, labelKey, numClasses,
        w -> System.err.println("tfgraph: " + w), maxImagePixels);
  }

  /** Whether training reads --x through memory maps: asked for, or .npy files larger than the heap can hold. */
  public boolean mapped() {
    check();
    if (!isNpy()) return false;
    if (!NamedArrays.allNpy(x)) {
      if (memoryMap) throw new BadInputException("--memory-map maps .npy files; an .npz (compressed or not) is read into memory");
      return false;
    }
    return memoryMap || dev.tfgraph.graph.io.MappedNpy.exceedsHeap(NamedArrays.files(x));
  }

  /** --x mapped, --y read. */
  public dev.tfgraph.graph.data.MappedDataset mappedArrays() {
    return dev.tfgraph.graph.data.MappedDataset.of(NamedArrays.map("--x", x), Npy.read(y), y.toString(), floatTargets);
  }

  /** Set by train before loading: --y holds float targets (a loss other than sparse cross-entropy). */
  public boolean floatTargets;

  private Dataset arrays() {
    NpyArray ys = Npy.read(y);
    return Dataset.fromArrays(NamedArrays.read("--x", x), ys, y.toString(), floatTargets);
  }

  public Path dir() {
    Path d = data != null ? data : shipped();
    if (!Files.isDirectory(d)) throw new BadInputException("data folder " + d + " does not exist");
    return d;
  }

  public String describe() {
    return isNpy() ? String.join(" ", x) : data != null ? data.toString() : "shipped subset";
  }
}
