package dev.tfgraph.graph.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.BadInputException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.image.DecodeImage;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * The declared size of an image, read before TensorFlow decodes it (issue 25, item 3): the sizes
 * TF's own decoders find in real files, and hostile headers of each format (huge sizes, bytes TF's
 * decoders skip, many GIF frames, overflowing PNG dimensions), all refused before decoding.
 */
class ImageHeaderTest {
  static final Path D = Path.of("..", "testdata", "images", "decode");

  /** Every test image: the header's width × height is the shape TF's DecodeImage gives. */
  @Test
  void headersAgreeWithTensorFlowsDecoders() throws Exception {
    int n = 0;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TString> in = tf.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
      var shape = tf.shape(tf.image.decodeImage(in, TUint8.class, DecodeImage.expandAnimations(false), DecodeImage.channels(0L)));
      try (Session s = new Session(g)) {
        for (Path f : Files.newDirectoryStream(D, "*.{png,jpg,gif,bmp}")) {
          byte[] b = Files.readAllBytes(f);
          ImageHeader.Size size = ImageHeader.read(b);
          assertNotNull(size, f.toString());
          try (TString t = TString.tensorOfBytes(NdArrays.scalarOfObject(b)); Result r = s.runner().feed(in, t).fetch(shape).run()) {
            TInt32 hwc = (TInt32) r.get(0);
            assertEquals(hwc.getInt(0), size.height(), f + " height");
            assertEquals(hwc.getInt(1), size.width(), f + " width");
          }
          n++;
        }
      }
    }
    assertEquals(7, n);
  }

  /**
   * The class of bypass: bytes TF decodes but whose header this class misreads. Seeded mutations of
   * every test image (bytes overwritten, inserted before the image data, cut): whenever TF decodes
   * one, the header must have been read, and give TF's height and width (a GIF: at least them).
   */
  @Test
  void whateverTensorFlowDecodesHasItsSizeReadFirst() throws Exception {
    java.util.SplittableRandom r = new java.util.SplittableRandom(25);
    int decoded = 0;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TString> in = tf.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
      var shape = tf.shape(tf.image.decodeImage(in, TUint8.class, DecodeImage.expandAnimations(false), DecodeImage.channels(0L)));
      try (Session s = new Session(g)) {
        for (Path f : Files.newDirectoryStream(D, "*.{png,jpg,gif,bmp}")) {
          byte[] b = Files.readAllBytes(f);
          for (int k = 0; k < 300; k++) {
            byte[] m;
            if (k % 3 == 0) {
              m = b.clone();
              for (int j = 1 + r.nextInt(3); j > 0; j--) m[4 + r.nextInt(Math.min(m.length - 4, 64))] = (byte) r.nextInt(256);
            } else if (k % 3 == 1) {
              int at = 2 + r.nextInt(Math.min(b.length - 2, 40));
              byte[] ins = new byte[1 + r.nextInt(6)];
              for (int j = 0; j < ins.length; j++) ins[j] = (byte) (r.nextInt(4) == 0 ? 0xFF : r.nextInt(256));
              m = cat(Arrays.copyOf(b, at), ins, Arrays.copyOfRange(b, at, b.length));
            } else {
              m = Arrays.copyOf(b, 1 + r.nextInt(b.length));
            }
            int h, w;
            try (TString t = TString.tensorOfBytes(NdArrays.scalarOfObject(m)); Result res = s.runner().feed(in, t).fetch(shape).run()) {
              TInt32 hwc = (TInt32) res.get(0);
              h = hwc.getInt(0);
              w = hwc.getInt(1);
            } catch (RuntimeException undecodable) {
              continue;
            }
            decoded++;
            ImageHeader.Size size = ImageHeader.read(m);
            String what = f.getFileName() + " mutation " + k;
            assertNotNull(size, what + ": TF decodes it, its header was not read");
            if (size.format().equals("GIF")) {
              assertTrue(size.height() >= h && size.width() >= w && size.pixels() >= (long) h * w, what);
            } else {
              assertEquals(h, size.height(), what);
              assertEquals(w, size.width(), what);
            }
          }
        }
      }
    }
    assertTrue(decoded > 250, "mutations TF decodes: " + decoded);
  }

  @Test
  void hugeDeclaredSizesAreRefusedNamingTheImageTheSizeAndTheOption() {
    BadInputException e = assertThrows(BadInputException.class, () -> ImageHeader.check(png(20000, 20000), "x.png", ImageHeader.DEFAULT_MAX_PIXELS));
    assertEquals("x.png declares a PNG of 20000 x 20000 pixels, more than max_image_pixels (89478485) allows", e.getMessage());
    // at the limit passes, one more is refused
    ImageHeader.check(png(1000, 1000), "ok.png", 1_000_000);
    assertThrows(BadInputException.class, () -> ImageHeader.check(png(1000, 1001), "big.png", 1_000_000));
    // dimensions of 2^32 - 1 do not overflow into a small product
    assertEquals(Long.MAX_VALUE, ImageHeader.read(png(0xFFFFFFFFL, 0xFFFFFFFFL)).pixels());
    assertThrows(BadInputException.class, () -> ImageHeader.check(png(0xFFFFFFFFL, 0xFFFFFFFFL), "o.png", Long.MAX_VALUE - 1));
    assertThrows(BadInputException.class, () -> ImageHeader.checkLimit(0));
  }

  /** JPEG markers as libjpeg walks them: APPn and COM skipped, stray bytes and fill bytes before a marker, any SOFn. */
  @Test
  void jpegFrameHeaderIsFoundWhereLibjpegFindsIt() throws Exception {
    byte[] photo = Files.readAllBytes(D.resolve("photo.jpg"));
    assertEquals(48, ImageHeader.read(photo).width());
    byte[] sof = {(byte) 0xFF, (byte) 0xC2, 0, 17, 8, (byte) 0xEA, 0x60, (byte) 0xEA, 0x60, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1};
    byte[] app = {(byte) 0xFF, (byte) 0xE1, 0, 6, 'E', 'x', 'i', 'f'};
    byte[] com = {(byte) 0xFF, (byte) 0xFE, 0, 4, (byte) 0xFF, (byte) 0xC0};   // a fake SOF inside a comment is skipped
    byte[] junk = {1, 2, 3, (byte) 0xFF, 0, 7};                                  // stray bytes and a stuffed zero
    byte[] fill = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
    byte[] shortApp = {(byte) 0xFF, (byte) 0xE2, 0, 0};                          // a length of 0: libjpeg skips only the length bytes
    byte[] j = cat(new byte[] {(byte) 0xFF, (byte) 0xD8}, app, shortApp, com, junk, fill, sof, new byte[] {(byte) 0xFF, (byte) 0xD9});
    ImageHeader.Size s = ImageHeader.read(j);
    assertEquals("JPEG of 60000 x 60000 pixels", s.describe());
    assertEquals(3, s.components());
    assertThrows(BadInputException.class, () -> ImageHeader.check(j, "p.jpg", ImageHeader.DEFAULT_MAX_PIXELS));
    // a limit raised past TensorFlow's own JPEG bound (2^29 bytes) still stops it before TF logs "Image too large"
    BadInputException e = assertThrows(BadInputException.class, () -> ImageHeader.check(j, "p.jpg", Long.MAX_VALUE));
    assertTrue(e.getMessage().contains("TensorFlow's JPEG decoder"), e.getMessage());
    // no frame header before the scan, or cut short: left to TF's decoder
    assertNull(ImageHeader.read(cat(new byte[] {(byte) 0xFF, (byte) 0xD8}, app, new byte[] {(byte) 0xFF, (byte) 0xDA, 0, 2})));
    assertNull(ImageHeader.read(Arrays.copyOf(j, 24)));
  }

  /** GIF: TF's decoder reads every frame into memory and sizes its output by the largest frame. */
  @Test
  void gifCountsTheScreenEveryFrameAndTheirSum() throws Exception {
    assertEquals(2, ImageHeader.read(Files.readAllBytes(D.resolve("anim.gif"))).frames());
    // a 1×1 screen whose one frame declares 65535 × 65535
    ImageHeader.Size big = ImageHeader.read(gif(1, 1, 1, 65535, 65535));
    assertEquals(65535L * 65535, big.pixels());
    // 400 frames of 500 × 500: each small, 100 million pixels in all
    ImageHeader.Size many = ImageHeader.read(gif(500, 500, 400, 500, 500));
    assertEquals("GIF of 500 x 500 pixels in 400 frames (100000000 pixels in all)", many.describe());
    assertThrows(BadInputException.class, () -> ImageHeader.check(gif(500, 500, 400, 500, 500), "a.gif", ImageHeader.DEFAULT_MAX_PIXELS));
    ImageHeader.check(gif(500, 500, 100, 500, 500), "a.gif", ImageHeader.DEFAULT_MAX_PIXELS);
  }

  @Test
  void bmpIsReadAsTensorFlowReadsIt() throws Exception {
    assertEquals("BMP", ImageHeader.read(Files.readAllBytes(D.resolve("rgb.bmp"))).format());
    ImageHeader.Size s = ImageHeader.read(bmp(30000, -30000));   // negative height: rows top-down
    assertEquals(900_000_000L, s.pixels());
    assertNull(ImageHeader.read(bmp(-5, 5)), "TF refuses a non-positive width itself");
    assertNull(ImageHeader.read("not an image".getBytes(StandardCharsets.US_ASCII)));
  }

  /** The decoder applies its limit before TF: a real 48 × 40 JPEG (1920 pixels) under a limit of 1919. */
  @Test
  void decoderRefusesAboveItsLimitAndDecodesAtIt() throws Exception {
    byte[] photo = Files.readAllBytes(D.resolve("photo.jpg"));
    try (ImageDecoding.Decoder d = new ImageDecoding.Decoder(8, 8, 3, 1919)) {
      BadInputException e = assertThrows(BadInputException.class, () -> d.decode(photo, "photo.jpg"));
      assertEquals("photo.jpg declares a JPEG of 48 x 40 pixels, more than max_image_pixels (1919) allows", e.getMessage());
    }
    try (ImageDecoding.Decoder d = new ImageDecoding.Decoder(8, 8, 3, 1920)) {
      assertEquals(192, d.decode(photo, "photo.jpg").length);
    }
  }

  static byte[] png(long w, long h) {
    ByteBuffer ihdr = ByteBuffer.allocate(17).order(ByteOrder.BIG_ENDIAN);
    ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt((int) w).putInt((int) h).put(new byte[] {8, 2, 0, 0, 0});
    CRC32 crc = new CRC32();
    crc.update(ihdr.array());
    ByteBuffer b = ByteBuffer.allocate(8 + 4 + 17 + 4).order(ByteOrder.BIG_ENDIAN);
    b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}).putInt(13).put(ihdr.array()).putInt((int) crc.getValue());
    return b.array();
  }

  /** A GIF89a of a screen sw × sh, a global colour table of 2, n frames of fw × fh, each an extension and one data sub-block. */
  static byte[] gif(int sw, int sh, int n, int fw, int fh) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.writeBytes("GIF89a".getBytes(StandardCharsets.US_ASCII));
    o.writeBytes(new byte[] {(byte) sw, (byte) (sw >> 8), (byte) sh, (byte) (sh >> 8), (byte) 0x80, 0, 0});
    o.writeBytes(new byte[6]);                                              // 2 colours
    for (int i = 0; i < n; i++) {
      o.writeBytes(new byte[] {0x21, (byte) 0xF9, 4, 0, 0, 0, 0, 0});      // graphic control extension
      o.writeBytes(new byte[] {0x2C, 0, 0, 0, 0, (byte) fw, (byte) (fw >> 8), (byte) fh, (byte) (fh >> 8), 0});
      o.writeBytes(new byte[] {2, 2, 0x4C, 0x01, 0});                       // LZW code size, one sub-block, end
    }
    o.write(0x3B);
    return o.toByteArray();
  }

  static byte[] bmp(int w, int h) {
    ByteBuffer b = ByteBuffer.allocate(54).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 'B').put((byte) 'M').putInt(54).putInt(0).putInt(54).putInt(40).putInt(w).putInt(h).putShort((short) 1).putShort((short) 24);
    return b.array();
  }

  static byte[] cat(byte[]... parts) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (byte[] p : parts) o.writeBytes(p);
    return o.toByteArray();
  }
}
