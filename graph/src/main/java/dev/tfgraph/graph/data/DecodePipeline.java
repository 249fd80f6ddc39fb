package dev.tfgraph.graph.data;

import dev.tfgraph.graph.BadInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The threads of an {@link ImageStream}: a pool of decoding threads, one image decoder, and the
 * files skipped as bad images so far. Each epoch ({@link Run}) has a reader thread that groups the
 * encoded examples into batches, submits each batch's decoding and queues its future, in order.
 */
final class DecodePipeline implements AutoCloseable {
  private final ImageData.Options options;
  private final ExecutorService decoders;
  private final ImageDecoding.Decoder decoder;
  private final int queueBatches;
  private final Set<String> skipped = ConcurrentHashMap.newKeySet();

  /** {@code workers} decoding threads and at most {@code queueBatches} batches decoded ahead; {@code skippedBefore} already counted. */
  DecodePipeline(ImageData.Options options, int workers, int queueBatches, Collection<String> skippedBefore) {
    this.options = options;
    this.queueBatches = queueBatches;
    this.decoder = options.decoder();
    skipped.addAll(skippedBefore);
    this.decoders = Executors.newFixedThreadPool(workers, r -> {
      Thread t = new Thread(r, "tfgraph-decode");
      t.setDaemon(true);
      return t;
    });
  }

  ImageData.Options options() {
    return options;
  }

  /** Distinct files (or records) skipped as bad images so far. */
  int skipped() {
    return skipped.size();
  }

  /** Starts reading {@code examples} in batches of {@code batchSize}; {@code what} names the source in messages. */
  Run start(Iterator<ImageData.Encoded> examples, int batchSize, String what) {
    return new Run(examples, batchSize, what);
  }

  /** One epoch's batches: a reader thread submits each batch's decoding and queues its future. */
  final class Run implements AutoCloseable {
    private final BlockingQueue<Future<ImageStream.Batch>> queue = new ArrayBlockingQueue<>(queueBatches);
    private static final Future<ImageStream.Batch> END = CompletableFuture.completedFuture(null);
    private final Thread reader;
    private final int batchSize;
    private final String what;
    private volatile boolean closed;

    private Run(Iterator<ImageData.Encoded> examples, int batchSize, String what) {
      this.batchSize = batchSize;
      this.what = what;
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
        queue.offer(CompletableFuture.failedFuture(e));
      }
    }

    /** The next batch in order, or null after the last; a bad image (or an unreadable source) throws. */
    ImageStream.Batch next() {
      try {
        Future<ImageStream.Batch> f = queue.take();
        if (f == END) {
          queue.offer(END);
          return null;
        }
        return f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BadInputException("interrupted while reading " + what);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException re) throw re;
        throw new IllegalStateException(e.getCause());
      }
    }

    @Override
    public void close() {
      closed = true;
      reader.interrupt();
      for (Future<ImageStream.Batch> f; (f = queue.poll()) != null; ) f.cancel(true);
    }
  }

  /** One batch decoded; a bad image is bad input, or with skip_bad_images left out (named in a warning once per file). */
  private ImageStream.Batch decode(List<ImageData.Encoded> chunk) {
    int es = decoder.exampleSize(), n = 0;
    float[] x = new float[chunk.size() * es];
    int[] y = new int[chunk.size()];
    for (ImageData.Encoded e : chunk) {
      if (ImageData.decodeOrSkip(decoder, e, options, x, n * es, skipped::add)) y[n++] = e.label();
    }
    return n == chunk.size() ? new ImageStream.Batch(x, y, n) : new ImageStream.Batch(Arrays.copyOf(x, n * es), Arrays.copyOf(y, n), n);
  }

  @Override
  public void close() {
    decoders.shutdownNow();
    decoder.close();
  }
}
