package dev.tfgraph.graph.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.BadInputException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streamed images (docs/data-formats.md): the same examples as decoding first, seeded order, a bounded read-ahead, bad files named. */
class ImageStreamTest {
  static final Path IMAGES = Path.of("..", "testdata", "images");
  static final ImageData.Options RGB32 = new ImageData.Options(new long[] {32, 32, 3}, false, "image/encoded", "image/class/label", 2, null);

  static ImageStream.Settings settings(int workers, int queue) {
    return new ImageStream.Settings(workers, queue, 7);
  }

  /** Every batch of an epoch, concatenated: {x, labels}. */
  static Object[] drain(ImageStream s, int epoch, long seed, boolean shuffle, int batch) {
    List<float[]> xs = new ArrayList<>();
    List<Integer> ys = new ArrayList<>();
    try (ImageStream.Epoch e = s.epoch(epoch, seed, shuffle, batch)) {
      for (ImageStream.Batch b; (b = e.next()) != null; ) {
        assertTrue(b.n() <= batch);
        xs.add(b.x());
        for (int i = 0; i < b.n(); i++) ys.add(b.y()[i]);
      }
    }
    int len = xs.stream().mapToInt(a -> a.length).sum(), at = 0;
    float[] x = new float[len];
    for (float[] a : xs) {
      System.arraycopy(a, 0, x, at, a.length);
      at += a.length;
    }
    return new Object[] {x, ys.stream().mapToInt(Integer::intValue).toArray()};
  }

  @Test
  void aFolderStreamsTheDecodedExamplesInTheSeededOrderOfTheInMemoryBatches() {
    String photos = IMAGES.resolve("photos").toString();
    ImageData.Loaded mem = ImageData.load(photos, RGB32);
    try (ImageStream.Splits s = ImageStream.open(photos, RGB32, settings(2, 2))) {
      assertEquals(List.of("cat", "dog"), s.classes());
      assertEquals(mem.train().size(), s.train().size());
      assertEquals(mem.test().size(), s.test().size());
      for (int epoch = 0; epoch < 2; epoch++) {
        int[] order = DataSource.order(mem.train().size(), 3, epoch, true);
        Dataset want = mem.train().subset(order);
        Object[] got = drain(s.train(), epoch, 3, true, 6);
        assertArrayEquals(want.x(), (float[]) got[0], "epoch " + epoch + ": same pixels, same order");
        assertArrayEquals(want.y(), (int[]) got[1]);
      }
      assertArrayEquals(mem.test().y(), (int[]) drain(s.test(), 0, 0, false, 5)[1], "unshuffled: the listing's order");
    }
  }

  @Test
  void tfRecordsGoThroughASeededShuffleBufferEachRecordOnce() {
    String records = IMAGES.resolve("records/train.tfrecord").toString();
    ImageData.Loaded mem = ImageData.load(records, RGB32);
    try (ImageStream.Splits s = ImageStream.open(records, RGB32, settings(2, 3))) {
      int[] a = (int[]) drain(s.train(), 0, 11, true, 4)[1], b = (int[]) drain(s.train(), 0, 11, true, 4)[1];
      assertArrayEquals(a, b, "same seed and epoch, same stream");
      float[] x0 = (float[]) drain(s.train(), 0, 11, true, 4)[0], x1 = (float[]) drain(s.train(), 1, 11, true, 4)[0];
      assertNotEquals(java.util.Arrays.hashCode(x0), java.util.Arrays.hashCode(x1), "another epoch, another order");
      float[] plain = (float[]) drain(s.train(), 0, 11, false, 4)[0];
      assertArrayEquals(mem.train().x(), plain, "unshuffled: file order");
      assertEquals(sortedRows(plain, 32 * 32 * 3), sortedRows(x0, 32 * 32 * 3), "every record exactly once");
    }
  }

  static List<String> sortedRows(float[] x, int es) {
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < x.length / es; i++) rows.add(java.util.Arrays.toString(java.util.Arrays.copyOfRange(x, i * es, (i + 1) * es)));
    rows.sort(null);
    return rows;
  }

  static byte[] png(int v) throws Exception {
    BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, v * 0x010101);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  /** A source of n small PNGs that counts how many examples were read. */
  record Counting(int n, byte[][] images, AtomicInteger read) implements ImageStream.Source {
    public int size() { return n; }
    public ImageStream.Source subset(int[] positions) { return null; }
    public String describe() { return "counting"; }

    public Iterator<ImageData.Encoded> epoch(int epoch, long seed, boolean shuffle) {
      return new Iterator<>() {
        int i;
        public boolean hasNext() { return i < n; }
        public ImageData.Encoded next() {
          read.incrementAndGet();
          int k = i++;
          return new ImageData.Encoded("image " + k, images[k % images.length], k % 3);
        }
      };
    }
  }

  @Test
  void theReaderRunsAtMostAQueueAheadOfTraining() throws Exception {
    AtomicInteger read = new AtomicInteger();
    ImageData.Options o = new ImageData.Options(new long[] {4, 4, 3}, false, "k", "l", 0, null);
    try (ImageStream s = new ImageStream(new Counting(10_000, new byte[][] {png(1), png(200)}, read), o, settings(2, 3))) {
      try (ImageStream.Epoch e = s.epoch(0, 0, false, 10)) {
        Thread.sleep(500);
        // the queue's 3 batches, one the reader holds while the queue is full
        assertTrue(read.get() <= 4 * 10, "read " + read.get() + " examples ahead with a queue of 3 batches of 10");
        int batches = 0, examples = 0;
        for (ImageStream.Batch b; (b = e.next()) != null; batches++) examples += b.n();
        assertEquals(1000, batches);
        assertEquals(10_000, examples);
      }
    }
  }

  @Test
  void aBadImageIsNamedOrSkippedAndCountedOnce(@TempDir Path d) throws Exception {
    for (String c : new String[] {"a", "b"}) Files.createDirectories(d.resolve(c));
    for (int i = 0; i < 3; i++) {
      Files.write(d.resolve("a/" + i + ".png"), png(i * 50));
      Files.write(d.resolve("b/" + i + ".png"), png(255 - i * 50));
    }
    Files.write(d.resolve("b/truncated.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0, 1, 2});   // passes the first look
    Files.writeString(d.resolve("a/notes.png"), "not an image");                                              // fails it
    long[] shape = {4, 4, 3};
    BadInputException e = assertThrows(BadInputException.class,
        () -> ImageStream.open(d.toString(), new ImageData.Options(shape, false, "k", "l", 2, null), settings(1, 1)));
    assertTrue(e.getMessage().contains("notes.png is not an image") && e.getMessage().contains("skip_bad_images"), e.getMessage());
    Files.delete(d.resolve("a/notes.png"));
    try (ImageStream.Splits s = ImageStream.open(d.toString(), new ImageData.Options(shape, false, "k", "l", 2, null), settings(1, 1))) {
      e = assertThrows(BadInputException.class, () -> drain(s.train(), 0, 0, false, 4));
      assertTrue(e.getMessage().contains("truncated.jpg is not an image TensorFlow can decode"), e.getMessage());
    }
    Files.writeString(d.resolve("a/notes.png"), "not an image");
    List<String> warnings = new CopyOnWriteArrayList<>();
    try (ImageStream.Splits s = ImageStream.open(d.toString(), new ImageData.Options(shape, true, "k", "l", 2, warnings::add), settings(2, 2))) {
      assertEquals(7, s.train().size(), "the file that is not an image is left out of the listing");
      for (int epoch = 0; epoch < 3; epoch++) assertEquals(6, ((int[]) drain(s.train(), epoch, 1, true, 4)[1]).length);
      assertEquals(2, s.skipped(), "each bad file counted once over three epochs");
      assertEquals(2, warnings.size(), warnings.toString());
    }
    try (ImageStream.Splits s = ImageStream.open(d.toString(), new ImageData.Options(shape, true, "k", "l", 2, null), settings(2, 2))) {
      ImageStream held = s.train().subset(new int[] {6, 0, 1, 2, 3, 4, 5});   // a hold-out: the parent's threads and count
      assertEquals(1, s.skipped(), "before reading: only the file that failed the first look");
      assertEquals(6, ((int[]) drain(held, 0, 0, false, 4)[1]).length);
      assertEquals(2, s.skipped(), "the truncated file the subset met is counted in its parent's splits");
    }
  }
}
