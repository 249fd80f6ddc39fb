package dev.tfgraph.graph.data;

import dev.tfgraph.graph.BadInputException;

/**
 * The size an encoded image declares in its header, read in Java before TensorFlow's decoder sees
 * the bytes: a 1 MB PNG can declare 20000 × 20000 pixels, which TensorFlow decodes to gigabytes,
 * so every image tfgraph decodes (class folders, TFRecords, {@code predict} images, the Predictor's
 * {@code serving_images} calls) is refused above {@code max_image_pixels} first.
 *
 * <p>The format is told as TensorFlow's DecodeImage tells it (the same magic bytes), and the size is
 * read where TensorFlow's decoders read it:
 *
 * <ul>
 *   <li>PNG: the IHDR chunk, which libpng requires first (width, height at bytes 16 and 20);
 *   <li>JPEG: the first SOFn marker segment, markers walked as libjpeg walks them (bytes between
 *       markers skipped, fill bytes swallowed, the first SOF counts);
 *   <li>GIF: the logical screen and every frame's image descriptor: TensorFlow's GIF decoder reads
 *       every frame into memory (width × height bytes each) and allocates its output at the largest
 *       frame's width × height, so the count is the largest of the screen, that bounding frame and
 *       the sum of all frames;
 *   <li>BMP: width and height as TensorFlow reads them (int32 at bytes 18 and 22, the height's sign
 *       giving the row order).
 * </ul>
 *
 * A header that cannot be read (too short, no SOF before the scan) is left to TensorFlow's decoder,
 * which then reports the image as undecodable.
 */
public final class ImageHeader {
  /**
   * The default {@code max_image_pixels}: 2^30 / 12 = 89,478,485, the largest image whose float32
   * RGB decode (4 bytes × 3 channels a pixel) fits in 1 GiB; with the decoder's 8-bit buffers the
   * peak is about 1.6 GiB an image, on each decoding thread. 48-megapixel phone photos and 61
   * megapixel camera raws fit; Pillow warns of a decompression bomb at the same count.
   */
  public static final long DEFAULT_MAX_PIXELS = (1L << 30) / 12;

  /** TensorFlow's JPEG decoder refuses width × height × components at or above this (with a line on stderr). */
  static final long TF_JPEG_MAX_BYTES = 1L << 29;

  /**
   * What a header declares: the format, the largest width and height (a GIF: of the screen and its
   * frames), the frames read (1 but for a GIF), the pixels the decoder allocates, the JPEG's
   * components (else 0).
   */
  public record Size(String format, long width, long height, int frames, long pixels, int components) {
    /**
     * "PNG of 20000 x 20000 pixels", a GIF's frames and total too.
     *
     * @return the description, for messages
     */
    public String describe() {
      String s = format + " of " + width + " x " + height + " pixels";
      return frames > 1 ? s + " in " + frames + " frames (" + pixels + " pixels in all)" : s;
    }
  }

  private ImageHeader() {}

  /**
   * {@code max_image_pixels} must be at least 1.
   *
   * @param maxPixels the limit on an image's declared width · height
   * @return {@code maxPixels}
   * @throws BadInputException when it is below 1
   */
  public static long checkLimit(long maxPixels) {
    if (maxPixels < 1) throw new BadInputException("max_image_pixels must be at least 1, received " + maxPixels);
    return maxPixels;
  }

  /**
   * Bad input naming {@code what} when the image's header declares more than {@code maxPixels}
   * pixels (or a JPEG TensorFlow's decoder would refuse as too large); nothing when it declares
   * fewer or cannot be read.
   *
   * @param encoded the image file's bytes
   * @param what the image's origin, for the message
   * @param maxPixels the most pixels an image may declare
   * @throws BadInputException when the header declares too many pixels
   */
  public static void check(byte[] encoded, String what, long maxPixels) {
    Size s = read(encoded);
    if (s == null) return;
    if (s.pixels() > maxPixels) {
      throw new BadInputException(what + " declares a " + s.describe() + ", more than max_image_pixels (" + maxPixels + ") allows");
    }
    if (s.components() > 0 && mul(s.pixels(), s.components()) >= TF_JPEG_MAX_BYTES) {
      throw new BadInputException(what + " declares a " + s.describe() + " in " + s.components() + " components, more than"
          + " TensorFlow's JPEG decoder accepts (" + TF_JPEG_MAX_BYTES + " bytes)");
    }
  }

  /**
   * The declared size, or null when the bytes are none of the four formats or their header cannot be read.
   *
   * @param b the image file's bytes, or null
   * @return the size, or null
   */
  public static Size read(byte[] b) {
    if (b == null) return null;
    if (starts(b, 0xFF, 0xD8, 0xFF)) return jpeg(b);
    if (starts(b, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) return png(b);
    if (starts(b, 'G', 'I', 'F', '8')) return gif(b);
    if (starts(b, 'B', 'M')) return bmp(b);
    return null;
  }

  private static boolean starts(byte[] b, int... magic) {
    if (b.length < magic.length) return false;
    for (int i = 0; i < magic.length; i++) if ((b[i] & 0xFF) != magic[i]) return false;
    return true;
  }

  private static Size png(byte[] b) {
    if (b.length < 24 || !(b[12] == 'I' && b[13] == 'H' && b[14] == 'D' && b[15] == 'R')) return null;
    long w = be32(b, 16), h = be32(b, 20);
    return new Size("PNG", w, h, 1, mul(w, h), 0);
  }

  /** libjpeg's marker walk (jdmarker.c): SOI, then markers, bytes before a marker and fill bytes skipped. */
  private static Size jpeg(byte[] b) {
    int i = 2;
    while (true) {
      while (i < b.length && (b[i] & 0xFF) != 0xFF) i++;        // discarded bytes before a marker
      while (i < b.length && (b[i] & 0xFF) == 0xFF) i++;        // FF and fill bytes
      if (i >= b.length) return null;
      int m = b[i++] & 0xFF;
      if (m == 0x00 || m == 0x01 || m == 0xD8 || (m >= 0xD0 && m <= 0xD7)) continue;   // stuffed zero, TEM, SOI, RSTn: no length
      if (m == 0xD9 || m == 0xDA) return null;                  // EOI, or a scan before any frame header
      if (i + 2 > b.length) return null;
      int len = be16(b, i);
      boolean sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
      if (sof) {
        if (len < 8 || i + 8 > b.length) return null;
        long h = be16(b, i + 3), w = be16(b, i + 5);
        int nf = b[i + 7] & 0xFF;
        return new Size("JPEG", w, h, 1, mul(w, h), Math.max(nf, 1));
      }
      i += Math.max(len, 2);    // a length under 2 skips nothing but itself (libjpeg's skip_variable)
    }
  }

  /** giflib's DGifSlurp: screen descriptor, then extensions and images (each allocated width × height) up to the trailer. */
  private static Size gif(byte[] b) {
    if (b.length < 13) return null;
    long sw = le16(b, 6), sh = le16(b, 8);
    int i = 13;
    if ((b[10] & 0x80) != 0) i += 3 << ((b[10] & 7) + 1);    // global colour table
    long maxW = 0, maxH = 0, sum = 0;
    int frames = 0;
    while (i < b.length) {
      int rec = b[i++] & 0xFF;
      if (rec == 0x21) {                                        // extension: label, then sub-blocks
        i = skipBlocks(b, i + 1);
      } else if (rec == 0x2C) {                                 // image descriptor
        if (i + 9 > b.length) break;
        long w = le16(b, i + 4), h = le16(b, i + 6);
        int flags = b[i + 8] & 0xFF;
        frames++;
        maxW = Math.max(maxW, w);
        maxH = Math.max(maxH, h);
        sum = Math.min(Long.MAX_VALUE / 2, sum + mul(w, h));
        i += 9;
        if ((flags & 0x80) != 0) i += 3 << ((flags & 7) + 1);   // local colour table
        i = skipBlocks(b, i + 1);                               // LZW minimum code size, then the data sub-blocks
      } else {
        break;                                                  // trailer, or a record giflib stops at
      }
    }
    long pixels = Math.max(mul(sw, sh), Math.max(mul(maxW, maxH), sum));
    return new Size("GIF", Math.max(sw, maxW), Math.max(sh, maxH), Math.max(frames, 1), pixels, 0);
  }

  /** The position after a chain of sub-blocks starting at {@code i} (length byte, data; a zero length ends). */
  private static int skipBlocks(byte[] b, int i) {
    while (i < b.length) {
      int n = b[i] & 0xFF;
      i += 1 + n;
      if (n == 0) break;
    }
    return i;
  }

  private static Size bmp(byte[] b) {
    if (b.length < 26) return null;
    long w = le32(b, 18), h = Math.abs(le32(b, 22));
    if (w <= 0 || h == 0) return null;
    return new Size("BMP", w, h, 1, mul(w, h), 0);
  }

  /** a · b for non-negative a, b, saturating at Long.MAX_VALUE (PNG dimensions go to 2^32 - 1). */
  private static long mul(long a, long b) {
    return a != 0 && b > Long.MAX_VALUE / a ? Long.MAX_VALUE : a * b;
  }

  private static int be16(byte[] b, int i) {
    return (b[i] & 0xFF) << 8 | (b[i + 1] & 0xFF);
  }

  private static long be32(byte[] b, int i) {
    return (long) be16(b, i) << 16 | be16(b, i + 2);
  }

  private static long le16(byte[] b, int i) {
    return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8;
  }

  /** Signed, as TensorFlow's BMP decoder reads it. */
  private static long le32(byte[] b, int i) {
    return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16 | (long) b[i + 3] << 24;
  }
}
