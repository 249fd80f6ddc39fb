package dev.tfgraph.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.cli.MainTest.Run;
import dev.tfgraph.export.serving.Predictor;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.data.Examples;
import dev.tfgraph.graph.io.TfRecords;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decompression bombs within TensorFlow's own limits (issue 25, item 3): a small PNG declaring
 * 20000 × 20000 pixels (7.8 GB once decoded) is refused from its header before TF decodes it, in
 * every image path (class folders streamed and in memory, TFRecords, predict --images through
 * serving_images and through Java decoding, evaluate, the Predictor), naming the file (or the
 * record), the declared size, the limit and --max-image-pixels; --skip-bad-images skips it.
 */
class ImageBombTest {
  static final Path I = ImagesTest.I;
  static final String SPEC = ImagesTest.SPEC;

  /** A PNG whose IHDR declares w × h RGB pixels, followed by one compressed row of zeros (all TF would need to start allocating). */
  static byte[] bomb(int w, int h) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
    chunk(o, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put(new byte[] {8, 2, 0, 0, 0}).array());
    Deflater z = new Deflater(9);
    z.setInput(new byte[1 + 3 * w]);
    z.finish();
    byte[] buf = new byte[1 << 16];
    int n = z.deflate(buf);
    z.end();
    chunk(o, "IDAT", java.util.Arrays.copyOf(buf, n));
    chunk(o, "IEND", new byte[0]);
    return o.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream o, String type, byte[] data) {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    o.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    o.writeBytes(t);
    o.writeBytes(data);
    o.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  /** testdata/images/photos copied to d/photos, with the bomb as train/cat/bomb.png. */
  static Path photosWithBomb(Path d) throws Exception {
    Path src = I.resolve("photos"), dst = d.resolve("photos");
    try (Stream<Path> s = Files.walk(src)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path t = dst.resolve(src.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(t);
        else Files.copy(p, t);
      }
    }
    Files.write(dst.resolve("train/cat/bomb.png"), bomb(20000, 20000));
    return dst;
  }

  /** Three records: a photo, the bomb (record 1), a photo. */
  static Path recordsWithBomb(Path d) throws Exception {
    byte[] photo = Files.readAllBytes(I.resolve("photos/train/cat/cat_00.png"));
    List<byte[]> recs = new java.util.ArrayList<>();
    for (byte[] img : List.of(photo, bomb(20000, 20000), photo)) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("image/encoded", img);
      f.put("image/class/label", 0L);
      recs.add(Examples.write(f));
    }
    return Files.write(d.resolve("bomb.tfrecord"), TfRecords.frame(recs));
  }

  static void refused(Run r, String what) {
    MainTest.badInput(r, what + " declares a PNG of 20000 x 20000 pixels, more than --max-image-pixels (89478485) allows");
  }

  @Test
  void aBombInAClassFolderIsRefusedOrSkippedStreamedAndInMemory(@TempDir Path d) throws Exception {
    Path photos = photosWithBomb(d);
    Path bomb = photos.resolve("train/cat/bomb.png");
    for (String mode : new String[] {"--data-workers", "--in-memory"}) {
      String[] more = mode.equals("--in-memory") ? new String[] {"--in-memory"} : new String[] {"--data-workers", "2"};
      List<String> args = new java.util.ArrayList<>(List.of("train", "--spec", SPEC, "--data", photos.toString(), "--epochs", "1", "--quiet"));
      args.addAll(List.of(more));
      Run r = MainTest.run(args.toArray(String[]::new));
      refused(r, bomb.toString());
      assertTrue(r.err().contains("(--skip-bad-images skips such files)"), r.err());
      args.add("--skip-bad-images");
      Run s = MainTest.run(args.toArray(String[]::new));
      assertEquals(0, s.code(), mode + ": " + s.err());
      assertTrue(s.err().contains("skipped " + bomb + " declares a PNG of 20000 x 20000 pixels"), s.err());
      assertEquals(1, ImagesTest.lastJson(s).get("skipped_images").asInt(), mode);
      if (mode.equals("--in-memory")) assertEquals(20, ImagesTest.lastJson(s).get("examples").asInt(), "20 decoded, the bomb left out");
    }
    // the limit is an option: the shipped photos (at most 48 × 48) fail under a limit of 100 pixels, naming it
    Run low = MainTest.run("train", "--spec", SPEC, "--data", I.resolve("photos").toString(), "--epochs", "1", "--quiet",
        "--max-image-pixels", "100");
    MainTest.badInput(low, "more than --max-image-pixels (100) allows");
    Run zero = MainTest.run("train", "--spec", SPEC, "--data", I.resolve("photos").toString(), "--max-image-pixels", "0");
    MainTest.badInput(zero, "--max-image-pixels");
  }

  @Test
  void aBombInTfRecordsIsNamedByFileAndRecord(@TempDir Path d) throws Exception {
    Path rec = recordsWithBomb(d);
    for (String mode : new String[] {"--data-workers=2", "--in-memory"}) {
      Run r = MainTest.run("train", "--spec", SPEC, "--data", rec.toString(), "--epochs", "1", "--quiet", mode);
      refused(r, rec + ": record 1");
    }
    for (String mode : new String[] {"--data-workers=2", "--in-memory"}) {
      Run s = MainTest.run("train", "--spec", SPEC, "--data", rec.toString(), "--epochs", "1", "--quiet", "--skip-bad-images", mode);
      assertEquals(0, s.code(), s.err());
      assertTrue(s.err().contains("skipped " + rec + ": record 1 declares a PNG"), s.err());
      assertEquals(1, ImagesTest.lastJson(s).get("skipped_images").asInt());
      if (mode.equals("--in-memory")) assertEquals(2, ImagesTest.lastJson(s).get("examples").asInt());
    }
  }

  /** predict --images through serving_images and through Java decoding, evaluate --data, and the Predictor's own check. */
  @Test
  void predictAndEvaluateRefuseTheBombBeforeDecoding(@TempDir Path d) throws Exception {
    Path withImages = d.resolve("img"), plain = d.resolve("plain"), w = d.resolve("w.npz");
    Run t = MainTest.run("train", "--spec", SPEC, "--data", I.resolve("photos").toString(), "--epochs", "1", "--quiet",
        "--save-weights", w.toString(), "--export", withImages.toString(), "--image-input");
    assertEquals(0, t.code(), t.err());
    assertEquals(0, MainTest.run("export", "--spec", SPEC, "--weights", w.toString(), "--out", plain.toString()).code());
    Path bomb = Files.write(d.resolve("bomb.png"), bomb(20000, 20000));
    Path ok = I.resolve("decode/rgb.png");
    for (Path model : new Path[] {withImages, plain}) {
      Path y = d.resolve(model.getFileName() + ".npy");
      refused(MainTest.run("predict", "--trusted", "--model", model.toString(), "--images", ok.toString(), bomb.toString(),
          "--output", y.toString()), bomb.toString());
      assertFalse(Files.exists(y));
      MainTest.badInput(MainTest.run("predict", "--trusted", "--model", model.toString(), "--images", ok.toString(),
          "--max-image-pixels", "10", "--output", y.toString()), ok + " declares a PNG of", "more than --max-image-pixels (10) allows");
      Run fine = MainTest.run("predict", "--trusted", "--model", model.toString(), "--images", ok.toString(), "--output", y.toString());
      assertEquals(0, fine.code(), fine.err());
    }
    refused(MainTest.run("evaluate", "--trusted", "--model", withImages.toString(), "--data", recordsWithBomb(d).toString()),
        d.resolve("bomb.tfrecord") + ": record 1");
    // the library: serving_images of a loaded model checks the headers itself, naming the image's index
    try (Predictor p = Predictor.load(withImages)) {
      List<byte[]> images = List.of(Files.readAllBytes(ok), Files.readAllBytes(bomb));
      BadInputException e = assertThrows(BadInputException.class, () -> p.predictImages(images, 8));
      assertEquals("image 1 declares a PNG of 20000 x 20000 pixels, more than max_image_pixels (89478485) allows", e.getMessage());
      assertEquals(1, p.predictImages(List.of(images.get(0)), 8).shape()[0]);
    }
  }

  /** Issue 25, item 10: a FIFO or /dev/zero given to --images or --data is named for what it is, not "does not exist", and never opened. */
  @Test
  void devicesAndPipesAreNotReportedMissing(@TempDir Path d) throws Exception {
    Path fifo = d.resolve("fifo.png");
    org.junit.jupiter.api.Assumptions.assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo");
    for (Path p : new Path[] {fifo, Path.of("/dev/zero")}) {
      if (!Files.exists(p)) continue;
      MainTest.badInput(MainTest.run("predict", "--model", d.toString(), "--images", p.toString(), "--output", d.resolve("y.npy").toString()),
          "--images " + p + ": not a regular file (a device or a pipe)");
      MainTest.badInput(MainTest.run("train", "--spec", SPEC, "--data", p.toString(), "--quiet"), p + ": not a regular file (a device or a pipe)");
    }
    MainTest.badInput(MainTest.run("train", "--spec", SPEC, "--data", d.resolve("none").toString(), "--quiet"), "none: no such file or folder");
  }
}
