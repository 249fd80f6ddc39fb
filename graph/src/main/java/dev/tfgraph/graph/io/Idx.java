package dev.tfgraph.graph.io;

import dev.tfgraph.graph.BadInputException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * The IDX format of MNIST and Fashion-MNIST, raw or gzip-compressed. Declared dimensions are
 * checked before allocating: against the file size for raw files, and against a bound for gzip
 * (whose inflated size is only known by reading; truncation is reported clearly), and against
 * {@link ArrayBudget}'s element limit and the free heap.
 */
public final class Idx {
  private Idx() {}

  /**
   * @param file an IDX file, raw or gzip-compressed
   * @return its array, of the declared shape and data type
   * @throws dev.tfgraph.graph.BadInputException if the file is missing, not IDX, truncated, too large for the
   *     heap or cannot be read
   */
  public static NpyArray read(Path file) {
    IoErrors.requireRegularFile(file, file.toString(), null);
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
      NpyArray.Kind kind = switch (type) {
        case 0x08 -> NpyArray.Kind.UINT8;
        case 0x09 -> NpyArray.Kind.INT8;
        case 0x0B -> NpyArray.Kind.INT16;
        case 0x0C -> NpyArray.Kind.INT32;
        case 0x0D -> NpyArray.Kind.FLOAT32;
        case 0x0E -> NpyArray.Kind.FLOAT64;
        default -> throw new BadInputException(file + ": unknown IDX data type 0x" + Integer.toHexString(type));
      };
      long[] shape = new long[ndim];
      for (int i = 0; i < ndim; i++) shape[i] = Integer.toUnsignedLong(in.readInt());
      int n = ArrayBudget.elements(shape, file.toString());
      long need = Math.multiplyExact((long) n, kind.itemSize);
      long have = fileSize - 4 - 4L * ndim;
      if (!gz && need > have) {
        throw new BadInputException(file + ": truncated: header declares " + need + " data bytes, the file has " + have);
      }
      if (gz && need > fileSize * 1100L) {   // deflate inflates at most about 1032:1
        throw new BadInputException(file + ": declared size " + need + " bytes is implausible for a gzip file of " + fileSize + " bytes");
      }
      ArrayBudget.reserve(ArrayBudget.decodedBytes(kind, n), file + " (" + fileSize + " bytes)",
          "shape " + Arrays.toString(shape) + " of " + kind.numpy);
      return ElementReader.read(in, kind, ByteOrder.BIG_ENDIAN, shape, n, false, file.toString());
    } catch (EOFException e) {
      throw new BadInputException(file + ": truncated IDX file");
    } catch (java.nio.file.NoSuchFileException e) {
      throw new BadInputException(file + ": no such file");
    } catch (IOException e) {
      throw new BadInputException(file + ": cannot read (" + e.getMessage() + ")");
    }
  }
}
