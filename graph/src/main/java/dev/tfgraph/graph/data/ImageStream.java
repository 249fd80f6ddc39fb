package dev.tfgraph.graph.data;

import dev.tfgraph.graph.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Images streamed from a folder or TFRecords instead of decoded into memory first: each epoch
 * reads the encoded examples in a seeded order (a permutation of the file list for folders; the
 * files in order through a seeded shuffle buffer for TFRecords), a reader thread groups them into
 * batches and hands each batch to a pool of decoding threads, and the batches wait, in order, in
 * a bounded queue. Resident memory is the queue (a few batches) and the file list, whatever the
 * number of examples; an epoch's batches depend only on (seed, epoch), so a run resumed at an
 * epoch's start sees the same stream. A bad image is bad input naming it, or with
 * --skip-bad-images is left out of its batch with a warning.
 */
public final class ImageStream implements AutoCloseable {
  /** The examples of a source, in an epoch's order. */
  public interface Source {
    /** Examples per epoch, known before training (listed, or counted and checked in one pass). */
    int size();

    Iterator<ImageData.Encoded> epoch(int epoch, long seed, boolean shuffle);

    /** The examples at these positions (random access: a folder; null for a sequential source). */
    Source subset(int[] positions);

    String describe();
  }

  /** A decoded batch: n images [H, W, C] row-major and their labels. */
  public record Batch(float[] x, int[] y, int n) {}

  /** The splits of a --data value, streamed: test null without one; the class names of a folder (else null). */
  public record Splits(ImageData.Kind kind, ImageStream train, ImageStream test, List<String> classes) implements AutoCloseable {
    /** Files skipped so far in either split (each counted once, however many epochs read it). */
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
    public static final int DEFAULT_SHUFFLE_BUFFER = 10_000;

    public Settings {
      if (workers < 1 || queueBatches < 1 || shuffleBuffer < 1) {
        throw new BadInputException("image stream: workers, queue and shuffle buffer must be at least 1, received "
            + workers + ", " + queueBatches + ", " + shuffleBuffer);
      }
    }

    /** One decoding thread a core, twice as many batches ahead, a 10,000-record shuffle buffer. */
    public static Settings defaults() {
      int cores = Runtime.getRuntime().availableProcessors();
      return new Settings(cores, 2 * cores, DEFAULT_SHUFFLE_BUFFER);
    }
  }

  private final Source source;
  private final ImageData.Options options;
  private final ExecutorService decoders;
  private final ImageDecoding.Decoder decoder;
  private final int queueBatches, workers;
  private final java.util.Set<String> skipped = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * Opens a folder of class folders or TFRecords (as {@link ImageData#load}, which decodes
   * everything first instead): the listing, magic bytes and every record are checked now, the
   * decoding happens while training.
   */
  public static Splits open(String value, ImageData.Options o, Settings s) {
    ImageData.Kind k = ImageData.kind(value);
    if (k == ImageData.Kind.FOLDER) {
      List<ImageFolder.Listing> splits = ImageFolder.splits(Path.of(value));
      List<String> classes = ImageData.checkClasses(splits.get(0), o);
      ImageStream train = new ImageStream(folder(splits.get(0), o), o, s);
      return new Splits(k, train, splits.size() > 1 ? new ImageStream(folder(splits.get(1), o), o, s) : null, classes);
    }
    if (k == ImageData.Kind.TFRECORD) {
      List<List<Path>> files = ImageData.recordSplits(value);
      ImageStream train = new ImageStream(records(files.get(0), o, s.shuffleBuffer()), o, s);
      return new Splits(k, train, files.get(1).isEmpty() ? null : new ImageStream(records(files.get(1), o, s.shuffleBuffer()), o, s), null);
    }
    throw new IllegalArgumentException("IDX data is read by Dataset.fashionMnist");
  }

  /** {@code workers} decoding threads and at most {@code queueBatches} batches decoded ahead. */
  public ImageStream(Source source, ImageData.Options options, Settings settings) {
    this.source = source;
    this.options = options;
    this.queueBatches = settings.queueBatches();
    int workers = settings.workers();
    long[] s = options.exampleShape();
    this.decoder = new ImageDecoding.Decoder(s[0], s[1], s[2]);
    this.workers = workers;
    if (source instanceof FolderSource f) skipped.addAll(f.skippedBefore());
    this.decoders = Executors.newFixedThreadPool(workers, r -> {
      Thread t = new Thread(r, "tfgraph-decode");
      t.setDaemon(true);
      return t;
    });
  }

  public int size() {
    return source.size();
  }

  public Source source() {
    return source;
  }

  /** The same examples at these positions (folders only: a TFRecord stream has no random access; null then). */
  public ImageStream subset(int[] positions) {
    Source sub = source.subset(positions);
    return sub == null ? null : new ImageStream(sub, options, new Settings(workers, queueBatches, 1));
  }

  /** Distinct files (or records) skipped as bad images so far. */
  public int skipped() {
    return skipped.size();
  }

  public String describe() {
    return source.describe();
  }

  public long[] exampleShape() {
    return options.exampleShape();
  }

  /** The batches of one epoch, in order; close it to stop its reader early. */
  public Epoch epoch(int epoch, long seed, boolean shuffle, int batchSize) {
    if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1");
    return new Epoch(source.epoch(epoch, seed, shuffle), batchSize);
  }

  /** One epoch's batches: a reader thread submits each batch's decoding and queues its future. */
  public final class Epoch implements AutoCloseable {
    private final BlockingQueue<Future<Batch>> queue = new ArrayBlockingQueue<>(queueBatches);
    private static final Future<Batch> END = java.util.concurrent.CompletableFuture.completedFuture(null);
    private final Thread reader;
    private volatile boolean closed;

    private final int batchSize;

    Epoch(Iterator<ImageData.Encoded> examples, int batchSize) {
      this.batchSize = batchSize;
      reader = new Thread(() -> read(examples), "tfgraph-read");
      reader.setDaemon(true);
      reader.start();
    }

    private void read(Iterator<ImageData.Encoded> examples) {
      try {
        while (!closed) {
          List<ImageData.Encoded> chunk = new ArrayList<>(batchSize);
          while (chunk.size() < batchSize && examples.hasNext()) chunk.add(examples.next());
          if (chunk.isEmpty()) break;
          queue.put(decoders.submit(() -> decode(chunk)));
        }
        queue.put(END);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        queue.offer(java.util.concurrent.CompletableFuture.failedFuture(e));
      }
    }

    /** The next batch in order, or null after the last; a bad image (or an unreadable source) throws. */
    public Batch next() {
      try {
        Future<Batch> f = queue.take();
        if (f == END) {
          queue.offer(END);
          return null;
        }
        return f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BadInputException("interrupted while reading " + source.describe());
      } catch (java.util.concurrent.ExecutionException e) {
        if (e.getCause() instanceof RuntimeException re) throw re;
        throw new IllegalStateException(e.getCause());
      }
    }

    @Override
    public void close() {
      closed = true;
      reader.interrupt();
      for (Future<Batch> f; (f = queue.poll()) != null; ) f.cancel(true);
    }
  }

  private Batch decode(List<ImageData.Encoded> chunk) {
    int es = decoder.exampleSize(), n = 0;
    float[] x = new float[chunk.size() * es];
    int[] y = new int[chunk.size()];
    for (ImageData.Encoded e : chunk) {
      try {
        if (e.bytes() == null) throw new BadInputException(e.what() + " cannot be read");
        decoder.decodeInto(e.bytes(), e.what(), x, n * es);
      } catch (BadInputException bad) {
        if (!options.skipBadImages()) throw new BadInputException(bad.getMessage() + " (--skip-bad-images skips such files)", bad);
        if (skipped.add(e.what())) options.warnings().accept("skipped " + bad.getMessage());
        continue;
      }
      y[n++] = e.label();
    }
    return n == chunk.size() ? new Batch(x, y, n) : new Batch(java.util.Arrays.copyOf(x, n * es), java.util.Arrays.copyOf(y, n), n);
  }

  @Override
  public void close() {
    decoders.shutdownNow();
    decoder.close();
  }

  /** A seeded permutation of 0..n-1 for (seed, epoch), or the identity: the same as the in-memory batches' order. */
  public static int[] order(int n, long seed, int epoch, boolean shuffle) {
    int[] o = new int[n];
    for (int i = 0; i < n; i++) o[i] = i;
    if (!shuffle) return o;
    SplittableRandom r = new SplittableRandom(seed * 1_000_003L + epoch);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = o[i];
      o[i] = o[j];
      o[j] = t;
    }
    return o;
  }

  /**
   * A class folder's images: every file's first bytes are checked to be an image before training
   * (the full decode happens while streaming); each epoch reads them in a seeded permutation.
   */
  public static Source folder(ImageFolder.Listing listing, ImageData.Options o) {
    List<ImageFolder.Item> kept = new ArrayList<>();
    List<String> sniffSkipped = new ArrayList<>();
    for (ImageFolder.Item i : listing.items()) {
      String bad = sniff(i.file());
      if (bad == null) {
        kept.add(i);
      } else if (o.skipBadImages()) {
        o.warnings().accept("skipped " + i.file() + " " + bad);
        sniffSkipped.add(i.file().toString());
      } else {
        throw new BadInputException(i.file() + " " + bad + " (--skip-bad-images skips such files)");
      }
    }
    if (kept.isEmpty()) throw new BadInputException("no image left to read in " + listing.dir() + " after skipping bad ones");
    return new FolderSource(listing.dir().toString(), List.copyOf(kept), List.copyOf(sniffSkipped));
  }

  private record FolderSource(String dir, List<ImageFolder.Item> items, List<String> skippedBefore) implements Source {
    public int size() {
      return items.size();
    }

    public Iterator<ImageData.Encoded> epoch(int epoch, long seed, boolean shuffle) {
      int[] order = order(items.size(), seed, epoch, shuffle);
      return new Iterator<>() {
        int i;

        public boolean hasNext() {
          return i < order.length;
        }

        public ImageData.Encoded next() {
          if (!hasNext()) throw new NoSuchElementException();
          ImageFolder.Item it = items.get(order[i++]);
          try {
            return new ImageData.Encoded(it.file().toString(), Files.readAllBytes(it.file()), it.label());
          } catch (IOException e) {
            return new ImageData.Encoded(it.file().toString(), null, it.label());
          }
        }
      };
    }

    public Source subset(int[] positions) {
      List<ImageFolder.Item> s = new ArrayList<>();
      for (int p : positions) s.add(items.get(p));
      return new FolderSource(dir, List.copyOf(s), List.of());
    }

    public String describe() {
      return dir;
    }
  }

  /**
   * TFRecord files read in order through a shuffle buffer of {@code buffer} examples seeded by
   * (seed, epoch), as tf.data's {@code shuffle(buffer)}; every record is read and checked once
   * before training (framing, CRCs, keys, labels), which also counts them.
   */
  public static Source records(List<Path> files, ImageData.Options o, int buffer) {
    int n = 0;
    for (Iterator<ImageData.Encoded> it = ImageData.records(files, o); it.hasNext(); it.next()) n++;
    if (n == 0) throw new BadInputException("no records in " + files);
    return new RecordSource(List.copyOf(files), o, n, Math.max(1, buffer));
  }

  private record RecordSource(List<Path> files, ImageData.Options o, int size, int buffer) implements Source {
    public Iterator<ImageData.Encoded> epoch(int epoch, long seed, boolean shuffle) {
      Iterator<ImageData.Encoded> in = ImageData.records(files, o);
      if (!shuffle) return in;
      SplittableRandom r = new SplittableRandom(seed * 1_000_003L + epoch);
      return new Iterator<>() {
        final List<ImageData.Encoded> buf = new ArrayList<>(Math.min(buffer, size));

        public boolean hasNext() {
          while (buf.size() < buffer && in.hasNext()) buf.add(in.next());
          return !buf.isEmpty();
        }

        public ImageData.Encoded next() {
          if (!hasNext()) throw new NoSuchElementException();
          int j = r.nextInt(buf.size());
          ImageData.Encoded e = buf.get(j);
          buf.set(j, buf.get(buf.size() - 1));
          buf.remove(buf.size() - 1);
          return e;
        }
      };
    }

    public Source subset(int[] positions) {
      return null;
    }

    public String describe() {
      return files.size() == 1 ? files.get(0).toString() : files.size() + " TFRecord files";
    }
  }

  /** Null when the file starts as a JPEG, PNG, GIF or BMP does; else why it is not an image. */
  static String sniff(Path file) {
    byte[] h = new byte[4];
    int got;
    try (InputStream in = Files.newInputStream(file)) {
      got = in.readNBytes(h, 0, 4);
    } catch (IOException e) {
      return "cannot be read (" + e.getMessage() + ")";
    }
    if (got == 0) return "is not an image: it is empty";
    boolean jpeg = got >= 3 && (h[0] & 0xff) == 0xFF && (h[1] & 0xff) == 0xD8 && (h[2] & 0xff) == 0xFF;
    boolean png = got >= 4 && (h[0] & 0xff) == 0x89 && h[1] == 'P' && h[2] == 'N' && h[3] == 'G';
    boolean gif = got >= 3 && h[0] == 'G' && h[1] == 'I' && h[2] == 'F';
    boolean bmp = got >= 2 && h[0] == 'B' && h[1] == 'M';
    return jpeg || png || gif || bmp ? null : "is not an image TensorFlow can decode (JPEG, PNG, GIF or BMP): it starts with none of their signatures";
  }
}
