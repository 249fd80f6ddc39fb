package dev.tfgraph.graph.data;

import dev.tfgraph.graph.BadInputException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The IDX format of MNIST and Fashion-MNIST, raw or gzip-compressed. Declared dimensions are
 * checked before allocating: against the file size for raw files, and against a bound for gzip
 * (whose inflated size is only known by reading; truncation is reported clearly).
 */
public final class Idx {
  static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  private Idx() {}

  public static NpyArray read(Path file) {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      raw.mark(2);
      int b0 = raw.read(), b1 = raw.read();
      raw.reset();
      boolean gz = b0 == 0x1f && b1 == 0x8b;
      long fileSize = Files.size(file);
      DataInputStream in = new DataInputStream(gz ? new GZIPInputStream(raw, 1 << 16) : raw);
      int zero = in.readUnsignedShort();
      int type = in.readUnsignedByte();
      int ndim = in.readUnsignedByte();
      if (zero != 0 || ndim == 0 || ndim > 8) throw new BadInputException(file + ": not an IDX file (bad magic)");
      int item = switch (type) {
        case 0x08, 0x09 -> 1;
        case 0x0B -> 2;
        case 0x0C, 0x0D -> 4;
        case 0x0E -> 8;
        default -> throw new BadInputException(file + ": unknown IDX data type 0x" + Integer.toHexString(type));
      };
      long[] shape = new long[ndim];
      long n = 1;
      for (int i = 0; i < ndim; i++) {
        shape[i] = Integer.toUnsignedLong(in.readInt());
        n = Math.multiplyExact(n, shape[i]);
      }
      if (n > MAX_ELEMENTS) throw new BadInputException(file + ": " + n + " elements is more than tfgraph reads");
      long need = n * item;
      if (!gz && need > fileSize - 4 - 4L * ndim) {
        throw new BadInputException(file + ": truncated: header declares " + need + " data bytes, the file has "
            + (fileSize - 4 - 4L * ndim));
      }
      if (gz && need > fileSize * 1100L) throw new BadInputException(file + ": declared size " + need + " is implausible for the file");
      byte[] data = new byte[(int) need];
      in.readFully(data);
      if (type == 0x08) return NpyArray.ofBytes(shape, data, true);
      if (type == 0x09) return NpyArray.ofBytes(shape, data, false);
      ByteBuffer b = ByteBuffer.wrap(data);
      if (type == 0x0D) {
        float[] f = new float[(int) n];
        b.asFloatBuffer().get(f);
        return NpyArray.ofFloats(shape, f);
      }
      double[] d = new double[(int) n];
      for (int i = 0; i < n; i++) d[i] = type == 0x0B ? b.getShort() : type == 0x0C ? b.getInt() : b.getDouble();
      return type == 0x0E ? NpyArray.ofDoubles(shape, d)
          : NpyArray.of(type == 0x0B ? NpyArray.Kind.INT16 : NpyArray.Kind.INT32, shape, d);
    } catch (EOFException e) {
      throw new BadInputException(file + ": truncated IDX file");
    } catch (java.nio.file.NoSuchFileException e) {
      throw new BadInputException(file + ": no such file");
    } catch (IOException e) {
      throw new BadInputException(file + ": cannot read (" + e.getMessage() + ")");
    } catch (ArithmeticException e) {
      throw new BadInputException(file + ": declared shape overflows");
    }
  }
}
