package dev.tfgraph.graph.data;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.runtime.Tensors;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.image.DecodeImage;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * Encoded images to model input, as docs/data-formats.md says, with TensorFlow's own ops so that
 * training data and the exported {@code serving_images} signature decode alike:
 *
 * <ol>
 *   <li>DecodeImage (JPEG, PNG, GIF, BMP; {@code expand_animations = false}: a GIF's first frame),
 *       channels as stored (1 to 4);
 *   <li>to RGB: the first three channels (alpha dropped, as PIL's {@code convert("RGB")}), or a grey
 *       channel three times; to grayscale when the model input has one channel: ITU-R 601-2 luma
 *       from the RGB bytes, rounded as PIL's {@code convert("L")}: {@code (19595 R + 38470 G + 7471 B
 *       + 32768) >> 16};
 *   <li>ResizeBilinear to the input's height × width, half-pixel centres, no antialiasing, aspect
 *       ratio not kept (as {@code tf.image.resize});
 *   <li>divided by 255: float32 in [0, 1].
 * </ol>
 *
 * {@link #decode} adds these ops for one image, {@link #decodeBatch} maps them over a vector of
 * encoded images with a while loop (standard TF ops only: TF Serving runs it), and {@link Decoder}
 * runs them for Java callers, one image at a time.
 */
public final class ImageDecoding {
  /** The file extensions read as images (compared case-insensitively). */
  public static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "gif");

  private ImageDecoding() {}

  /**
   * Whether the file name ends in one of {@link #EXTENSIONS}, in any case.
   *
   * @param file a file path; only its name is looked at
   * @return true for an image file name
   */
  public static boolean isImageFile(Path file) {
    String n = file.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot > 0 && EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  /**
   * Image data feeds a model input [null, H, W, C] with C 1 (grayscale) or 3 (RGB).
   *
   * @param what what is fed, for the message (e.g. "image folder data")
   * @param exampleShape the input's example shape, without the batch axis
   * @throws BadInputException when the shape is not [H, W, 1] or [H, W, 3] with H, W at least 1
   */
  public static void checkInputShape(String what, long[] exampleShape) {
    if (exampleShape.length != 3 || exampleShape[0] < 1 || exampleShape[1] < 1 || (exampleShape[2] != 1 && exampleShape[2] != 3)) {
      throw new BadInputException(what + " has example shape " + java.util.Arrays.toString(exampleShape)
          + "; images feed an input of shape [H, W, 1] (grayscale) or [H, W, 3] (RGB)");
    }
  }

  /**
   * One encoded image (a string scalar) to float32 [height, width, channels] in [0, 1].
   *
   * @param tf the ops to add to
   * @param encoded the image file's bytes, a string scalar
   * @param height output height in pixels
   * @param width output width in pixels
   * @param channels 1 (grayscale) or 3 (RGB)
   * @return the pixels, float32 [height, width, channels] in [0, 1]
   * @throws BadInputException when the shape is not [H, W, 1] or [H, W, 3]
   */
  public static Operand<TFloat32> decode(Ops tf, Operand<TString> encoded, long height, long width, long channels) {
    checkInputShape("image decoding", new long[] {height, width, channels});
    DecodeImage<TUint8> img = tf.image.decodeImage(encoded, TUint8.class, DecodeImage.expandAnimations(false), DecodeImage.channels(0L));
    // [h, w, c], c in 1..4: channels 0, 1, 2 of RGB(A), or channel 0 (grey, grey+alpha) three times
    Operand<TInt32> c = tf.gather(tf.shape(img), tf.constant(2), tf.constant(0));
    Operand<TInt32> pick = tf.select(tf.math.greaterEqual(c, tf.constant(3)), tf.constant(new int[] {0, 1, 2}),
        tf.constant(new int[] {0, 0, 0}));
    Operand<TUint8> rgb = tf.gather(img, pick, tf.constant(2));
    Operand<TFloat32> pixels;
    if (channels == 3) {
      pixels = tf.dtypes.cast(rgb, TFloat32.class);
    } else {
      Operand<TInt32> wsum = tf.reduceSum(tf.math.mul(tf.dtypes.cast(rgb, TInt32.class), tf.constant(new int[] {19595, 38470, 7471})),
          tf.constant(new int[] {2}), org.tensorflow.op.core.ReduceSum.keepDims(true));
      Operand<TInt32> luma = tf.bitwise.rightShift(tf.math.add(wsum, tf.constant(32768)), tf.constant(16));
      pixels = tf.dtypes.cast(luma, TFloat32.class);
    }
    ResizeBilinear resized = tf.image.resizeBilinear(tf.expandDims(pixels, tf.constant(0)),
        tf.constant(new int[] {Math.toIntExact(height), Math.toIntExact(width)}),
        ResizeBilinear.halfPixelCenters(true), ResizeBilinear.alignCorners(false));
    Operand<TFloat32> scaled = tf.math.div(resized, tf.constant(255f));
    return tf.reshape(scaled, tf.constant(new long[] {height, width, channels}));
  }

  /**
   * A vector of encoded images [n] to float32 [n, height, width, channels], each as {@link
   * #decode}: a while loop writing into a TensorArray (as {@code tf.map_fn} builds it), so
   * images of different sizes and formats share one batch.
   *
   * @param tf the ops to add to
   * @param encoded the image files' bytes, a string vector [n]
   * @param height output height in pixels
   * @param width output width in pixels
   * @param channels 1 (grayscale) or 3 (RGB)
   * @param name the name of the result op
   * @return the pixels, float32 [n, height, width, channels] in [0, 1]
   * @throws BadInputException when the shape is not [H, W, 1] or [H, W, 3]
   */
  public static Operand<TFloat32> decodeBatch(Ops tf, Operand<TString> encoded, long height, long width, long channels, String name) {
    checkInputShape("image decoding", new long[] {height, width, channels});
    return DecodeLoop.decodeBatch(tf, encoded, height, width, channels, name);
  }

  /**
   * Decodes encoded images in a small graph of its own, for Java callers (data readers,
   * prediction without a {@code serving_images} signature). Safe for concurrent use.
   */
  public static final class Decoder implements AutoCloseable {
    private final Graph graph = new Graph();
    private final Session session;
    private final Placeholder<TString> input;
    private final Operand<TFloat32> output;
    private final long height, width, channels, maxPixels;

    /**
     * Images of at most {@link ImageHeader#DEFAULT_MAX_PIXELS} pixels.
     *
     * @param height output height in pixels
     * @param width output width in pixels
     * @param channels 1 (grayscale) or 3 (RGB)
     * @throws BadInputException when the shape is not [H, W, 1] or [H, W, 3]
     */
    public Decoder(long height, long width, long channels) {
      this(height, width, channels, ImageHeader.DEFAULT_MAX_PIXELS);
    }

    /**
     * Images whose header declares more than {@code maxPixels} pixels are refused before TensorFlow decodes them.
     *
     * @param height output height in pixels
     * @param width output width in pixels
     * @param channels 1 (grayscale) or 3 (RGB)
     * @param maxPixels the largest width · height an image header may declare
     * @throws BadInputException when the shape or the limit is invalid
     */
    public Decoder(long height, long width, long channels, long maxPixels) {
      this.height = height;
      this.width = width;
      this.channels = channels;
      this.maxPixels = ImageHeader.checkLimit(maxPixels);
      try {
        Ops tf = Ops.create(graph);
        input = tf.withName("encoded").placeholder(TString.class, Placeholder.shape(Shape.scalar()));
        output = ImageDecoding.decode(tf, input, height, width, channels);
        // each caller's decode runs on the caller's thread (negative inter-op: no pool hand-off), one
        // intra-op thread: the streaming reader decodes on several threads at once, each its own image
        session = new Session(graph, org.tensorflow.proto.ConfigProto.newBuilder().setInterOpParallelismThreads(-1)
            .setIntraOpParallelismThreads(1).build());
      } catch (RuntimeException e) {
        graph.close();
        throw e;
      }
    }

    /** {@return values per decoded image: height · width · channels} */
    public int exampleSize() {
      return Math.toIntExact(height * width * channels);
    }

    /** {@return the decoded image's shape {height, width, channels}} */
    public long[] exampleShape() {
      return new long[] {height, width, channels};
    }

    /**
     * One encoded image to [height, width, channels] row-major floats; an image TF cannot decode,
     * or whose header declares more pixels than the limit ({@link ImageHeader}), is bad input naming
     * {@code what} (the file, the record) and the reason.
     *
     * @param encoded the image file's bytes
     * @param what the image's origin, for messages
     * @return the pixels, row-major float32 [height, width, channels] in [0, 1]
     * @throws BadInputException when the bytes are empty, too large, or not a decodable image
     */
    public float[] decode(byte[] encoded, String what) {
      float[] x = new float[exampleSize()];
      decodeInto(encoded, what, x, 0);
      return x;
    }

    /**
     * Decodes into {@code out} at {@code offset}, read straight from the output tensor (no array in between).
     *
     * @param encoded the image file's bytes
     * @param what the image's origin, for messages
     * @param out receives {@link #exampleSize()} values, row-major [height, width, channels] in [0, 1]
     * @param offset the index in {@code out} of the first value
     * @throws BadInputException when the bytes are empty, too large, or not a decodable image
     */
    public void decodeInto(byte[] encoded, String what, float[] out, int offset) {
      if (encoded.length == 0) throw new BadInputException(what + " is not an image: it is empty");
      ImageHeader.check(encoded, what, maxPixels);
      try (TString in = TString.tensorOfBytes(NdArrays.scalarOfObject(encoded));
          Result r = session.runner().feed(input, in).fetch(output).run()) {
        ((TFloat32) r.get(0)).asRawTensor().data().asFloats().read(out, offset, exampleSize());
      } catch (BadInputException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new BadInputException(what + " is not an image TensorFlow can decode (JPEG, PNG, GIF or BMP): " + reason(e), e);
      }
    }

    @Override
    public void close() {
      session.close();
      graph.close();
    }
  }

  /** TF's message, first line, without the graph-node suffix. */
  static String reason(RuntimeException e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
    int nl = m.indexOf('\n');
    if (nl >= 0) m = m.substring(0, nl);
    int node = m.indexOf("\t [[");
    if (node >= 0) m = m.substring(0, node);
    return m.strip();
  }
}
