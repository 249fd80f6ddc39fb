package dev.tfgraph.graph.data;

import dev.tfgraph.graph.BadInputException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;

/**
 * Images streamed from a folder or TFRecords instead of decoded into memory first: each epoch
 * reads the encoded examples in a seeded order (a permutation of the file list for folders; the
 * files in order through a seeded shuffle buffer for TFRecords), a reader thread groups them into
 * batches and hands each batch to a pool of decoding threads, and the batches wait, in order, in
 * a bounded queue. Resident memory is the queue (a few batches) and the file list, whatever the
 * number of examples; an epoch's batches depend only on (seed, epoch), so a run resumed at an
 * epoch's start sees the same stream. A bad image is bad input naming it, or with
 * skip_bad_images ({@link ImageData.Options#skipBadImages}) is left out of its batch with a warning.
 */
public final class ImageStream implements DataSource, AutoCloseable {
  /** The examples of a source, in an epoch's order. */
  public interface Source {
    /** {@return examples per epoch, known before training (listed, or counted and checked in one pass)} */
    int size();

    /**
     * The encoded examples of one epoch, in its order.
     *
     * @param epoch the epoch, from 0
     * @param seed the run's seed; with the epoch it fixes the order
     * @param shuffle false keeps the source's order
     * @return the examples; a bad record or unreadable file throws {@link dev.tfgraph.graph.BadInputException} when reached
     */
    Iterator<ImageData.Encoded> epoch(int epoch, long seed, boolean shuffle);

    /**
     * The examples at these positions (random access: a folder; null for a sequential source).
     *
     * @param positions indices into the source's listing
     * @return the subset, or null for a sequential source
     */
    Source subset(int[] positions);

    /** {@return how messages name the source, e.g. the folder} */
    String describe();
  }

  /** A decoded batch: n images [H, W, C] row-major and their labels. */
  public record Batch(float[] x, int[] y, int n) {}

  /** The splits of a data value (a folder, or TFRecord files), streamed: test null without one; the class names of a folder (else null). */
  public record Splits(ImageData.Kind kind, ImageStream train, ImageStream test, List<String> classes) implements AutoCloseable {
    /** {@return files skipped so far in either split (each counted once, however many epochs read it)} */
    public int skipped() {
      return train.skipped() + (test == null ? 0 : test.skipped());
    }

    @Override
    public void close() {
      train.close();
      if (test != null) test.close();
    }
  }

  /** Decoding threads, batches decoded ahead of the step, the TFRecord shuffle buffer. */
  public record Settings(int workers, int queueBatches, int shuffleBuffer) {
    /** The TFRecord shuffle buffer by default: 10,000 records. */
    public static final int DEFAULT_SHUFFLE_BUFFER = 10_000;

    /**
     * Checks the settings.
     *
     * @param workers decoding threads, at least 1
     * @param queueBatches batches decoded ahead of the step, at least 1
     * @param shuffleBuffer the TFRecord shuffle buffer in records, at least 1
     * @throws BadInputException when a count is below 1
     */
    public Settings {
      if (workers < 1 || queueBatches < 1 || shuffleBuffer < 1) {
        throw new BadInputException("image stream: workers, queue and shuffle buffer must be at least 1, received "
            + workers + ", " + queueBatches + ", " + shuffleBuffer);
      }
    }

    /** {@return one decoding thread a core, twice as many batches ahead, a 10,000-record shuffle buffer} */
    public static Settings defaults() {
      int cores = Runtime.getRuntime().availableProcessors();
      return new Settings(cores, 2 * cores, DEFAULT_SHUFFLE_BUFFER);
    }
  }

  private final Source source;
  private final DecodePipeline pipeline;

  /**
   * Opens a folder of class folders or TFRecords (as {@link ImageData#load}, which decodes
   * everything first instead): the listing, magic bytes and every record are checked now, the
   * decoding happens while training.
   *
   * @param value a folder of class folders (with optional train/ and test/), or TFRecord files or a glob
   * @param o the model input's shape and the reading options
   * @param s threads, queue and shuffle buffer
   * @return the training split, the test split or null, and a folder's class names; the caller closes it
   * @throws BadInputException when the listing, a file's magic bytes or a record is bad
   * @throws IllegalArgumentException for IDX data, which {@link Dataset#fashionMnist} reads
   */
  public static Splits open(String value, ImageData.Options o, Settings s) {
    ImageData.Kind k = ImageData.kind(value);
    if (k == ImageData.Kind.FOLDER) {
      List<ImageFolder.Listing> splits = ImageFolder.splits(Path.of(value));
      List<String> classes = ImageData.checkClasses(splits.get(0), o);
      ImageStream train = new ImageStream(ImageSources.folder(splits.get(0), o), o, s);
      return new Splits(k, train, splits.size() > 1 ? new ImageStream(ImageSources.folder(splits.get(1), o), o, s) : null, classes);
    }
    if (k == ImageData.Kind.TFRECORD) {
      List<List<Path>> files = ImageData.recordSplits(value);
      ImageStream train = new ImageStream(ImageSources.records(files.get(0), o, s.shuffleBuffer()), o, s);
      return new Splits(k, train, files.get(1).isEmpty() ? null : new ImageStream(ImageSources.records(files.get(1), o, s.shuffleBuffer()), o, s), null);
    }
    throw new IllegalArgumentException("IDX data is read by Dataset.fashionMnist");
  }

  /**
   * {@code workers} decoding threads and at most {@code queueBatches} batches decoded ahead.
   *
   * @param source the encoded examples
   * @param options the model input's shape and the reading options
   * @param settings threads and queue
   */
  public ImageStream(Source source, ImageData.Options options, Settings settings) {
    this.source = source;
    this.pipeline = new DecodePipeline(options, settings.workers(), settings.queueBatches(), ImageSources.skippedBefore(source));
  }

  /** Other examples of {@code parent}'s source, on its decoder, threads and skip count (closing the parent closes both). */
  private ImageStream(Source source, ImageStream parent) {
    this.source = source;
    this.pipeline = parent.pipeline;
  }

  public int size() {
    return source.size();
  }

  /** {@return the encoded examples' source} */
  public Source source() {
    return source;
  }

  /**
   * The examples at these positions (folders only: a TFRecord stream has no random access; null
   * then), decoded by this stream's threads, their skipped files counted in its {@link #skipped}.
   * Closing this stream ends the subset too; the subset needs no closing of its own.
   */
  public ImageStream subset(int[] positions) {
    Source sub = source.subset(positions);
    return sub == null ? null : new ImageStream(sub, this);
  }

  /** {@return distinct files (or records) skipped as bad images so far} */
  public int skipped() {
    return pipeline.skipped();
  }

  public String describe() {
    return source.describe();
  }

  /** {@return the decoded example shape [H, W, C]} */
  public long[] exampleShape() {
    return pipeline.options().exampleShape();
  }

  /** {@link #epoch}'s batches as Datasets; a batch whose images were all skipped is empty. */
  @Override
  public Reader batches(int epoch, long seed, boolean shuffle, int batchSize) {
    Epoch e = epoch(epoch, seed, shuffle, batchSize);
    return new Reader() {
      @Override
      public Dataset next() {
        Batch b = e.next();
        return b == null ? null : new Dataset(b.x(), b.y(), exampleShape());
      }

      @Override
      public void close() {
        e.close();
      }
    };
  }

  @Override
  public String toMemory() {
    return "decode every image into memory first (in_memory)";
  }

  /**
   * The batches of one epoch, in order; close it to stop its reader early.
   *
   * @param epoch the epoch, from 0
   * @param seed the run's seed
   * @param shuffle false keeps the source's order
   * @param batchSize images per batch, at least 1; the last batch may hold fewer
   * @return the epoch's batches; the caller closes it
   * @throws IllegalArgumentException when {@code batchSize} is below 1
   */
  public Epoch epoch(int epoch, long seed, boolean shuffle, int batchSize) {
    if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1");
    return new Epoch(pipeline.start(source.epoch(epoch, seed, shuffle), batchSize, source.describe()));
  }

  /** One epoch's batches: a reader thread submits each batch's decoding and queues its future. */
  public static final class Epoch implements AutoCloseable {
    private final DecodePipeline.Run run;

    Epoch(DecodePipeline.Run run) {
      this.run = run;
    }

    /**
     * The next batch in order, or null after the last; a bad image (or an unreadable source) throws.
     *
     * @return n images, row-major [n, H, W, C] float32 in [0, 1], and their labels; or null
     * @throws BadInputException for a bad image when bad images are not skipped, or an unreadable source
     */
    public Batch next() {
      return run.next();
    }

    @Override
    public void close() {
      run.close();
    }
  }

  @Override
  public void close() {
    pipeline.close();
  }
}
