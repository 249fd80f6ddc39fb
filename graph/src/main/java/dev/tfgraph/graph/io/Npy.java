package dev.tfgraph.graph.io;

import dev.tfgraph.graph.BadInputException;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * numpy's .npy format (versions 1–3). Hand-written rather than taken from a library because
 * files come from untrusted users: the header is parsed strictly (no eval), and the declared
 * size is checked against the bytes actually available before anything is allocated.
 */
public final class Npy {
  static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  static final int MAX_HEADER = 1 << 20;

  private Npy() {}

  /**
   * A regular file; devices and pipes are refused before they are opened (a FIFO waits for a writer).
   * @param file the .npy file
   * @return its array
   * @throws dev.tfgraph.graph.BadInputException if the file is missing, not a regular file, not .npy,
   *     truncated, of an unsupported dtype, too large for the heap or cannot be read
   */
  public static NpyArray read(Path file) {
    IoErrors.requireRegularFile(file, file.toString(), null);
    try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      return read(in, Files.size(file), file.toString());
    } catch (java.nio.file.NoSuchFileException e) {
      throw new BadInputException(file + ": no such file");
    } catch (IOException e) {
      throw new BadInputException(file + ": cannot read (" + e.getMessage() + ")");
    }
  }

  /**
   * An array from at most availableBytes of a stream. The declared shape is checked against those
   * bytes, {@link ArrayBudget}'s element limit and the free heap before anything is allocated.
   * @param raw the stream, at the magic
   * @param availableBytes the bytes the stream holds at most
   * @param what the source, as messages name it
   * @return the array
   * @throws dev.tfgraph.graph.BadInputException if it is not .npy, truncated, of an unsupported dtype or too
   *     large for the heap
   */
  public static NpyArray read(InputStream raw, long availableBytes, String what) {
    try {
      DataInputStream in = new DataInputStream(raw);
      Layout l = layout(in, availableBytes, what);
      int n = ArrayBudget.elements(l.shape(), what);
      l.requireData(what);
      long heap = ArrayBudget.decodedBytes(l.kind(), n) * (l.fortranOrder() ? 2 : 1);
      ArrayBudget.reserve(heap, what + " (" + availableBytes + " bytes)", "shape " + java.util.Arrays.toString(l.shape()) + " of " + l.kind().numpy);
      return ElementReader.read(in, l.kind(), l.order(), l.shape(), n, l.fortranOrder(), what);
    } catch (EOFException e) {
      throw new BadInputException(what + ": truncated .npy file");
    } catch (IOException e) {
      throw new BadInputException(what + ": cannot read (" + e.getMessage() + ")");
    }
  }

  /** What a .npy header declares, and where its data start: {@code dataOffset} bytes into the file. */
  record Layout(NpyArray.Kind kind, ByteOrder order, long[] shape, boolean fortranOrder, long dataOffset, long dataBytes, long have) {
    /** The file holds every declared element. */
    void requireData(String what) {
      if (dataBytes > have) {
        throw new BadInputException(what + ": truncated: shape " + java.util.Arrays.toString(shape) + " of " + kind.numpy
            + " needs " + dataBytes + " data bytes, found " + have);
      }
    }
  }

  /**
   * Reads the magic, version and header, leaving {@code in} at the first data byte; {@code
   * availableBytes} is the file's size ({@link Layout#requireData} checks the data are all there).
   */
  static Layout layout(DataInputStream in, long availableBytes, String what) throws IOException {
    byte[] magic = new byte[6];
    in.readFully(magic);
    if (!java.util.Arrays.equals(magic, MAGIC)) throw new BadInputException(what + ": not a .npy file (bad magic)");
    int major = in.readUnsignedByte();
    in.readUnsignedByte();
    long headerLen;
    if (major == 1) headerLen = Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
    else if (major == 2 || major == 3) headerLen = Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
    else throw new BadInputException(what + ": unsupported .npy version " + major);
    long prefix = major == 1 ? 10 : 12;
    if (headerLen > MAX_HEADER || headerLen > availableBytes - prefix) {
      throw new BadInputException(what + ": header length " + headerLen + " exceeds the file");
    }
    byte[] h = new byte[(int) headerLen];
    in.readFully(h);
    NpyHeader header = NpyHeader.parse(new String(h, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1), what);
    NpyArray.Kind kind = kind(header.descr(), what);
    long[] shape = header.shape();
    long need = 1;
    for (long d : shape) {
      if (d < 0) throw new BadInputException(what + ": negative dimension in declared shape " + java.util.Arrays.toString(shape));
    }
    try {
      for (long d : shape) need = Math.multiplyExact(need, d);
      need = Math.multiplyExact(need, (long) kind.itemSize);
    } catch (ArithmeticException e) {
      need = Long.MAX_VALUE;   // more bytes than any file holds
    }
    ByteOrder order = header.descr().startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    return new Layout(kind, order, shape, header.fortranOrder(), prefix + headerLen, need, availableBytes - prefix - headerLen);
  }

  static NpyArray.Kind kind(String descr, String what) {
    String t = descr.length() > 1 && "<>|=".indexOf(descr.charAt(0)) >= 0 ? descr.substring(1) : descr;
    return switch (t) {
      case "f4" -> NpyArray.Kind.FLOAT32;
      case "f8" -> NpyArray.Kind.FLOAT64;
      case "i1" -> NpyArray.Kind.INT8;
      case "u1" -> NpyArray.Kind.UINT8;
      case "i2" -> NpyArray.Kind.INT16;
      case "u2" -> NpyArray.Kind.UINT16;
      case "i4" -> NpyArray.Kind.INT32;
      case "u4" -> NpyArray.Kind.UINT32;
      case "i8" -> NpyArray.Kind.INT64;
      case "u8" -> NpyArray.Kind.UINT64;
      case "b1" -> NpyArray.Kind.BOOL;
      default -> throw new BadInputException(what + ": unsupported dtype '" + NpyHeader.abbreviate(descr)
          + "' (expected float32/float64, integer or bool arrays)");
    };
  }

  /**
   * Writes through {@link OutputFiles} (temporary file, fsync, atomic rename).
   * @param file the file written, replaced if present
   * @param a the array
   * @throws IOException if the file cannot be written
   */
  public static void write(Path file, NpyArray a) throws IOException {
    OutputFiles.write(file, out -> write(out, a));
  }

  /**
   * Writes a .npy (version 1.0, little-endian, C order) to a stream.
   * @param out the stream
   * @param a the array
   * @throws IOException if the stream fails
   */
  public static void write(OutputStream out, NpyArray a) throws IOException {
    NpyArray.Kind k = a.kind();
    String descr = switch (k) {
      case FLOAT32 -> "<f4";
      case FLOAT64 -> "<f8";
      case INT64, UINT64 -> "<i8";
      case UINT8 -> "|u1";
      case INT8 -> "|i1";
      case BOOL -> "|b1";
      default -> "<i4";
    };
    long[] shape = a.shape();
    StringBuilder s = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) s.append(shape[i]).append(shape.length == 1 || i < shape.length - 1 ? "," : "").append(i < shape.length - 1 ? " " : "");
    s.append(")");
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + s + ", }";
    int total = 10 + dict.length() + 1;
    int pad = (64 - total % 64) % 64;
    String header = dict + " ".repeat(pad) + "\n";
    ByteArrayOutputStream h = new ByteArrayOutputStream();
    h.write(MAGIC);
    h.write(1);
    h.write(0);
    h.write(header.length() & 0xff);
    h.write((header.length() >> 8) & 0xff);
    h.write(header.getBytes(StandardCharsets.ISO_8859_1));
    out.write(h.toByteArray());
    int n = (int) a.size();
    int item = switch (descr) {
      case "<f4", "<i4" -> 4;
      case "<f8", "<i8" -> 8;
      default -> 1;
    };
    ByteBuffer b = ByteBuffer.allocate(Math.min(n, 1 << 16) * item + 8).order(ByteOrder.LITTLE_ENDIAN);
    float[] f = k == NpyArray.Kind.FLOAT32 ? a.rawFloats() : null;
    double[] d = f == null ? a.toDoubles() : null;
    long[] l = k == NpyArray.Kind.INT64 || k == NpyArray.Kind.UINT64 ? a.toLongs() : null;
    for (int i = 0; i < n; i++) {
      switch (descr) {
        case "<f4" -> b.putFloat(f[i]);
        case "<f8" -> b.putDouble(d[i]);
        case "<i8" -> b.putLong(l[i]);
        case "<i4" -> b.putInt((int) d[i]);
        default -> b.put((byte) d[i]);
      }
      if (b.remaining() < 8) {
        out.write(b.array(), 0, b.position());
        b.clear();
      }
    }
    out.write(b.array(), 0, b.position());
  }
}
