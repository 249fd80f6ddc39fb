package dev.tfgraph.graph.data;

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
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * numpy's .npy format (versions 1–3). Hand-written rather than taken from a library because
 * files come from untrusted users: the header is parsed strictly (no eval), and the declared
 * size is checked against the bytes actually available before anything is allocated.
 */
public final class Npy {
  static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  static final int MAX_HEADER = 1 << 20;
  static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private Npy() {}

  public static NpyArray read(Path file) {
    try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      return read(in, Files.size(file), file.toString());
    } catch (java.nio.file.NoSuchFileException e) {
      throw new BadInputException(file + ": no such file");
    } catch (IOException e) {
      throw new BadInputException(file + ": cannot read (" + e.getMessage() + ")");
    }
  }

  public static NpyArray read(InputStream raw, long availableBytes, String what) {
    try {
      DataInputStream in = new DataInputStream(raw);
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
      String header = new String(h, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
      Matcher d = DESCR.matcher(header), f = FORTRAN.matcher(header), s = SHAPE.matcher(header);
      if (!header.strip().startsWith("{") || !d.find() || !f.find() || !s.find()) {
        throw new BadInputException(what + ": malformed .npy header " + header.strip());
      }
      String descr = d.group(1);
      NpyArray.Kind kind = kind(descr, what);
      boolean big = descr.startsWith(">");
      long[] shape = shape(s.group(1), what);
      long n = NpyArray.product(shape);
      if (n > MAX_ELEMENTS) throw new BadInputException(what + ": " + n + " elements is more than tfgraph reads in one array");
      long need = n * kind.itemSize;
      long have = availableBytes - prefix - headerLen;
      if (need > have) {
        throw new BadInputException(what + ": truncated: shape " + java.util.Arrays.toString(shape) + " of " + kind.numpy
            + " needs " + need + " data bytes, found " + have);
      }
      byte[] data = new byte[(int) need];
      in.readFully(data);
      if (f.group(1).equals("True")) data = fortranToC(data, shape, kind.itemSize);   // e.g. np.save of a transposed view
      ByteBuffer b = ByteBuffer.wrap(data).order(big ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
      int len = (int) n;
      switch (kind) {
        case FLOAT32 -> {
          float[] out = new float[len];
          b.asFloatBuffer().get(out);
          return NpyArray.ofFloats(shape, out);
        }
        case INT64, UINT64 -> {
          long[] out = new long[len];
          b.asLongBuffer().get(out);
          if (kind == NpyArray.Kind.UINT64) {
            for (long v : out) if (v < 0) throw new BadInputException(what + ": uint64 value above 2^63");
          }
          return NpyArray.ofLongs(shape, out);
        }
        default -> {
          double[] out = new double[len];
          for (int i = 0; i < len; i++) {
            out[i] = switch (kind) {
              case FLOAT64 -> b.getDouble();
              case INT8 -> b.get();
              case UINT8 -> b.get() & 0xff;
              case BOOL -> b.get() != 0 ? 1 : 0;
              case INT16 -> b.getShort();
              case UINT16 -> b.getShort() & 0xffff;
              case INT32 -> b.getInt();
              case UINT32 -> b.getInt() & 0xffffffffL;
              default -> throw new IllegalStateException();
            };
          }
          return NpyArray.of(kind, shape, out);
        }
      }
    } catch (EOFException e) {
      throw new BadInputException(what + ": truncated .npy file");
    } catch (IOException e) {
      throw new BadInputException(what + ": cannot read (" + e.getMessage() + ")");
    } catch (ArithmeticException e) {
      throw new BadInputException(what + ": shape too large");
    }
  }

  /** Reorders column-major (Fortran) element bytes to row-major. */
  static byte[] fortranToC(byte[] data, long[] shape, int item) {
    int n = shape.length;
    if (n < 2) return data;
    byte[] out = new byte[data.length];
    long count = data.length / item;
    long[] idx = new long[n];
    for (long r = 0; r < count; r++) {
      long off = 0, stride = 1;
      for (int k = 0; k < n; k++) {   // column-major offset of the row-major index idx
        off += idx[k] * stride;
        stride *= shape[k];
      }
      System.arraycopy(data, (int) (off * item), out, (int) (r * item), item);
      for (int k = n - 1; k >= 0; k--) {   // next row-major index
        if (++idx[k] < shape[k]) break;
        idx[k] = 0;
      }
    }
    return out;
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
      default -> throw new BadInputException(what + ": unsupported dtype '" + descr
          + "' (expected float32/float64, integer or bool arrays)");
    };
  }

  static long[] shape(String body, String what) {
    List<Long> dims = new ArrayList<>();
    for (String p : body.split(",")) {
      String t = p.strip();
      if (t.isEmpty()) continue;
      if (!t.matches("[0-9]{1,12}L?")) throw new BadInputException(what + ": bad shape (" + body + ")");
      dims.add(Long.parseLong(t.replace("L", "")));
    }
    if (dims.size() > 32) throw new BadInputException(what + ": more than 32 dimensions");
    return dims.stream().mapToLong(Long::longValue).toArray();
  }

  /** Writes through {@link OutputFiles} (temporary file, fsync, atomic rename). */
  public static void write(Path file, NpyArray a) throws IOException {
    OutputFiles.write(file, out -> write(out, a));
  }

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
