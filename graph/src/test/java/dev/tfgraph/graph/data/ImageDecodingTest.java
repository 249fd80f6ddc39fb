package dev.tfgraph.graph.data;

import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.io.Npz;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.runtime.Tensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * Decoding against PIL + numpy float64 references (testdata/images/make_images.py): PIL decodes and
 * converts ("RGB", "L"), numpy resizes with TF's half-pixel bilinear formula and divides by 255.
 */
class ImageDecodingTest {
  static final Path D = Path.of("..", "testdata", "images", "decode");
  /** PNG, GIF, BMP: lossless, so only float32 rounding separates TF from the float64 reference. */
  static final double LOSSLESS_TOL = 2e-6;
  /**
   * JPEG: DecodeImage has no dct_method and uses libjpeg's fast integer IDCT (as tf.io.decode_image,
   * hence Keras), PIL the accurate one; measured on photo.jpg: max 0.0192 (4.9/255), mean 0.0042 (1.1/255).
   */
  static final double JPEG_MAX_TOL = 8 / 255.0, JPEG_MEAN_TOL = 1.5 / 255.0;

  @Test
  void matchesPilAndNumpyReferences() throws Exception {
    Map<String, NpyArray> refs = Npz.read(D.resolve("references.npz"));
    assertEquals(7 * 4, refs.size());
    int checked = 0;
    for (var e : refs.entrySet()) {
      String[] k = e.getKey().split(":");   // file:mode:HxW
      String[] hw = k[2].split("x");
      int h = Integer.parseInt(hw[0]), w = Integer.parseInt(hw[1]), c = k[1].equals("rgb") ? 3 : 1;
      try (ImageDecoding.Decoder d = new ImageDecoding.Decoder(h, w, c)) {
        float[] got = d.decode(Files.readAllBytes(D.resolve(k[0])), k[0]);
        double[] want = e.getValue().toDoubles();
        assertEquals(want.length, got.length, e.getKey());
        double max = 0, sum = 0;
        for (int i = 0; i < got.length; i++) {
          double diff = Math.abs(got[i] - want[i]);
          max = Math.max(max, diff);
          sum += diff;
          assertTrue(got[i] >= 0 && got[i] <= 1, e.getKey() + " value out of [0, 1]");
        }
        if (k[0].endsWith(".jpg")) {
          assertTrue(max <= JPEG_MAX_TOL && sum / got.length <= JPEG_MEAN_TOL, e.getKey() + ": max " + max + " mean " + sum / got.length);
        } else {
          assertTrue(max <= LOSSLESS_TOL, e.getKey() + ": max abs diff " + max);
        }
        checked++;
      }
    }
    assertEquals(28, checked);
  }

  @Test
  void theBatchLoopDecodesAsOneImageAtATime() throws Exception {
    List<byte[]> images = new ArrayList<>();
    for (String f : new String[] {"rgb.png", "photo.jpg", "anim.gif", "gray.png", "rgba.png", "rgb.bmp", "palette.png"}) {
      images.add(Files.readAllBytes(D.resolve(f)));
    }
    for (int c : new int[] {1, 3}) {
      float[] batch;
      try (Graph g = new Graph()) {
        Ops tf = Ops.create(g);
        Placeholder<TString> in = tf.placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
        Operand<TFloat32> out = ImageDecoding.decodeBatch(tf, in, 12, 10, c, "images");
        assertArrayEquals(new long[] {-1, 12, 10, c}, out.shape().asArray());
        try (Session s = new Session(g);
            TString t = TString.tensorOfBytes(NdArrays.vectorOfObjects(images.toArray(byte[][]::new)));
            Result r = s.runner().feed(in, t).fetch(out).run()) {
          assertArrayEquals(new long[] {images.size(), 12, 10, c}, r.get(0).shape().asArray());
          batch = Tensors.toFloats(r.get(0));
        }
        try (Session s = new Session(g);
            TString t = TString.tensorOfBytes(NdArrays.ofObjects(byte[].class, Shape.of(0)));
            Result r = s.runner().feed(in, t).fetch(out).run()) {
          assertArrayEquals(new long[] {0, 12, 10, c}, r.get(0).shape().asArray(), "an empty batch");
        }
      }
      try (ImageDecoding.Decoder d = new ImageDecoding.Decoder(12, 10, c)) {
        float[] one = new float[batch.length];
        for (int i = 0; i < images.size(); i++) d.decodeInto(images.get(i), "image " + i, one, i * d.exampleSize());
        assertArrayEquals(one, batch);
      }
    }
  }

  @Test
  void whatIsNotAnImageIsBadInputNamingIt() {
    try (ImageDecoding.Decoder d = new ImageDecoding.Decoder(8, 8, 3)) {
      BadInputException e = assertThrows(BadInputException.class, () -> d.decode("hello".getBytes(java.nio.charset.StandardCharsets.UTF_8), "x/notes.jpg"));
      assertTrue(e.getMessage().startsWith("x/notes.jpg is not an image TensorFlow can decode"), e.getMessage());
      e = assertThrows(BadInputException.class, () -> d.decode(new byte[0], "x/empty.png"));
      assertTrue(e.getMessage().contains("x/empty.png is not an image: it is empty"), e.getMessage());
    }
    BadInputException e = assertThrows(BadInputException.class, () -> new ImageDecoding.Decoder(8, 8, 2));
    assertTrue(e.getMessage().contains("[H, W, 1] (grayscale) or [H, W, 3] (RGB)"), e.getMessage());
  }

  @Test
  void extensionsAreCaseInsensitive() {
    for (String f : new String[] {"a.JPG", "a.jpeg", "a.Png", "a.bmp", "a.GIF"}) assertTrue(ImageDecoding.isImageFile(Path.of(f)), f);
    for (String f : new String[] {"a.txt", "png", ".png", "a.tiff", "a.webp"}) assertTrue(!ImageDecoding.isImageFile(Path.of(f)), f);
  }
}
