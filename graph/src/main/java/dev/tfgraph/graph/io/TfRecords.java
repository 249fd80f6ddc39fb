package dev.tfgraph.graph.io;

import dev.tfgraph.graph.BadInputException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.zip.CRC32C;
import java.util.zip.GZIPInputStream;

/**
 * TFRecord files, framed as TensorFlow writes them: per record, uint64 length (little-endian),
 * uint32 masked CRC32C of those 8 bytes, the data, uint32 masked CRC32C of the data; a file whose
 * name ends in {@code .gz} is GZIP-compressed. Read in Java (not TFRecordDataset) so that a bad
 * CRC, a truncated record or a missing feature is an error naming the file and the record's index,
 * and so that records can be taken one at a time.
 */
public final class TfRecords {
  /** Largest record read (a corrupt length must not allocate gigabytes). */
  static final long MAX_RECORD = 1L << 30;

  private TfRecords() {}

  /**
   * TF's mask of a CRC32C: rotate right by 15 bits and add a constant.
   *
   * @param b the bytes
   * @param off the first byte
   * @param len how many bytes
   * @return the masked CRC32C, as stored in a record's frame
   */
  public static int maskedCrc(byte[] b, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(b, off, len);
    int crc = (int) c.getValue();
    return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
  }

  /**
   * Writes one framed record.
   *
   * @param out the stream (not closed)
   * @param data the record's bytes
   * @throws IOException when the stream fails
   */
  public static void write(OutputStream out, byte[] data) throws IOException {
    byte[] len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(data.length).array();
    ByteBuffer b = ByteBuffer.allocate(8 + 4 + data.length + 4).order(ByteOrder.LITTLE_ENDIAN);
    b.put(len).putInt(maskedCrc(len, 0, 8)).put(data).putInt(maskedCrc(data, 0, data.length));
    out.write(b.array());
  }

  /**
   * Whether the name is that of a TFRecord file: .tfrecord or .tfrecords, optionally .gz.
   *
   * @param p a path; only its name is looked at, in any case
   * @return true for a TFRecord file name
   */
  public static boolean isRecordFile(Path p) {
    String n = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (n.endsWith(".gz")) n = n.substring(0, n.length() - 3);
    return n.endsWith(".tfrecord") || n.endsWith(".tfrecords");
  }

  /**
   * Whether a data value is a glob (wildcards in its last component).
   *
   * @param s a data value
   * @return true when it holds *, ? or [
   */
  public static boolean isGlob(String s) {
    return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0;
  }

  /**
   * The files a value names: one file, the TFRecord files of a folder (sorted by name), or the
   * files a glob matches in its folder (wildcards in the last component only; sorted).
   *
   * @param value a TFRecord file, a folder, or a glob
   * @return the files, at least one
   * @throws BadInputException when the path is missing or nothing matches
   */
  public static List<Path> files(String value) {
    return RecordFiles.list(value);
  }

  /** The records of one file, one at a time, each checked against its CRCs. */
  public static final class Reader implements Iterator<byte[]>, Closeable {
    private final Path file;
    private final InputStream in;
    private long index = -1;
    private byte[] next;
    private boolean done;

    /**
     * Opens a file; a name ending in .gz is read through GZIP.
     *
     * @param file a TFRecord file
     * @throws BadInputException when the file cannot be opened
     */
    public Reader(Path file) {
      this.file = file;
      try {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        this.in = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
      } catch (IOException e) {
        throw new BadInputException("cannot read TFRecord file " + file + ": " + e.getMessage());
      }
    }

    /** {@return the index of the record last returned (0-based; -1 before the first)} */
    public long index() {
      return index;
    }

    /** {@return the file being read} */
    public Path file() {
      return file;
    }

    @Override
    public boolean hasNext() {
      if (next == null && !done) next = read();
      return next != null;
    }

    @Override
    public byte[] next() {
      if (!hasNext()) throw new NoSuchElementException();
      byte[] r = next;
      next = null;
      index++;
      return r;
    }

    private byte[] read() {
      long at = index + 1;
      try {
        byte[] head = new byte[12];
        int got = in.readNBytes(head, 0, 12);
        if (got == 0) {
          done = true;
          return null;
        }
        if (got < 12) throw new BadInputException(file + ": record " + at + " is truncated (" + got + " of 12 header bytes)");
        ByteBuffer h = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        long len = h.getLong();
        if (h.getInt() != maskedCrc(head, 0, 8)) {
          throw new BadInputException(file + ": record " + at + " has a bad length CRC (not a TFRecord file, or corrupt)");
        }
        if (len < 0 || len > MAX_RECORD) throw new BadInputException(file + ": record " + at + " declares " + Long.toUnsignedString(len) + " bytes");
        byte[] data = in.readNBytes((int) len);
        byte[] crc = in.readNBytes(4);
        if (data.length < len || crc.length < 4) throw new BadInputException(file + ": record " + at + " is truncated");
        if (ByteBuffer.wrap(crc).order(ByteOrder.LITTLE_ENDIAN).getInt() != maskedCrc(data, 0, data.length)) {
          throw new BadInputException(file + ": record " + at + " has a bad data CRC (corrupt)");
        }
        return data;
      } catch (EOFException e) {
        throw new BadInputException(file + ": record " + at + " is truncated");
      } catch (IOException e) {
        throw new BadInputException("cannot read " + file + " at record " + at + ": " + e.getMessage());
      }
    }

    @Override
    public void close() {
      try {
        in.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Every record of a file (tests, small files).
   *
   * @param file a TFRecord file, raw or .gz
   * @return the records' bytes, in order
   * @throws BadInputException when the file cannot be read, a CRC is wrong or a record is truncated
   */
  public static List<byte[]> readAll(Path file) {
    List<byte[]> out = new ArrayList<>();
    try (Reader r = new Reader(file)) {
      r.forEachRemaining(out::add);
    }
    return out;
  }

  /**
   * Frames records into bytes (uncompressed).
   *
   * @param records the records' bytes
   * @return the framed records, as a TFRecord file holds them
   */
  public static byte[] frame(List<byte[]> records) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try {
      for (byte[] r : records) write(b, r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toByteArray();
  }
}
