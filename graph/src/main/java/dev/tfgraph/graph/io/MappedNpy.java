package dev.tfgraph.graph.io;

import dev.tfgraph.graph.BadInputException;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The rows of a float32 or float64 .npy [n, ...] read through a memory map instead of loaded:
 * an array larger than the heap trains batch by batch, the page cache holding what the OS can
 * spare. The file is mapped in pieces of whole rows below 2 GiB (what one Java buffer maps), and a
 * row is converted to floats when it is copied out. Safe for concurrent readers.
 */
public final class MappedNpy {
  private static final long PIECE_BYTES = 1L << 30;

  private final Path file;
  private final long rows;
  private final long[] exampleShape;
  private final int exampleSize, itemSize, rowsPerPiece;
  private final boolean float64;
  private final List<ByteBuffer> pieces = new ArrayList<>();

  private MappedNpy(Path file, Npy.Layout l, FileChannel ch) throws IOException {
    this.file = file;
    long[] s = l.shape();
    this.rows = s[0];
    this.exampleShape = Arrays.copyOfRange(s, 1, s.length);
    long es = 1;
    for (long d : exampleShape) es = Math.multiplyExact(es, d);
    this.itemSize = l.kind().itemSize;
    long rowBytes = es * itemSize;
    if (es == 0 || es > Integer.MAX_VALUE - 8 || rowBytes > PIECE_BYTES) {
      throw new BadInputException(file + ": one example of shape " + Arrays.toString(exampleShape) + " is " + rowBytes
          + " bytes; expected between 1 and " + PIECE_BYTES + " bytes an example");
    }
    this.exampleSize = (int) es;
    this.float64 = l.kind() == NpyArray.Kind.FLOAT64;
    this.rowsPerPiece = (int) Math.min(PIECE_BYTES / rowBytes, Integer.MAX_VALUE);
    for (long r = 0; r < rows; r += rowsPerPiece) {
      long n = Math.min(rowsPerPiece, rows - r);
      MappedByteBuffer b = ch.map(FileChannel.MapMode.READ_ONLY, l.dataOffset() + r * rowBytes, n * rowBytes);
      pieces.add(b.order(l.order()));
    }
  }

  /**
   * Maps {@code file}: a C-order float32/float64 array of shape [n, ...], every byte present.
   * @param file the .npy file
   * @return the mapped rows
   * @throws dev.tfgraph.graph.BadInputException if it is missing, truncated, not float32/float64,
   *     Fortran-ordered, of rank below 2 or cannot be mapped
   */
  public static MappedNpy open(Path file) {
    IoErrors.requireRegularFile(file, file.toString(), null);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      Npy.Layout l = Npy.layout(new DataInputStream(in), ch.size(), file.toString());
      l.requireData(file.toString());
      if (l.kind() != NpyArray.Kind.FLOAT32 && l.kind() != NpyArray.Kind.FLOAT64) {
        throw new BadInputException(file + ": expected float32 or float64, received " + l.kind().numpy);
      }
      if (l.fortranOrder()) throw new BadInputException(file + ": a Fortran-order array is not read by rows; save it in C order to map it");
      if (l.shape().length < 2) throw new BadInputException(file + ": expected shape [n, ...], received " + Arrays.toString(l.shape()));
      if (l.shape()[0] > Integer.MAX_VALUE - 8) throw new BadInputException(file + ": " + l.shape()[0] + " examples, more than " + (Integer.MAX_VALUE - 8));
      return new MappedNpy(file, l, ch);   // a mapping outlives its channel
    } catch (java.io.EOFException e) {
      throw new BadInputException(file + ": truncated .npy file");
    } catch (IOException e) {
      throw new BadInputException(file + ": cannot map (" + e.getMessage() + ")");
    }
  }

  /**
   * Whether these files, loaded, would take more than the heap can give one array (then they are mapped).
   * @param files .npy files
   * @return true if they are better mapped than loaded
   */
  public static boolean exceedsHeap(List<Path> files) {
    long bytes = 0;
    for (Path f : files) {
      try {
        bytes += Files.size(f);
      } catch (IOException e) {
        return false;   // the reader reports it
      }
    }
    return bytes > ArrayBudget.available();
  }

  /** @return the examples, n */
  public int rows() {
    return (int) rows;
  }

  /** @return one example's shape, without the batch axis (a new array) */
  public long[] exampleShape() {
    return exampleShape.clone();
  }

  /** @return the values of one example */
  public int exampleSize() {
    return exampleSize;
  }

  /** @return the mapped file */
  public Path file() {
    return file;
  }

  /**
   * Copies rows {@code index[from .. from+n)} into {@code dst} from offset 0, as floats.
   * @param index row numbers, e.g. an epoch's shuffled order
   * @param from the first entry of index copied
   * @param n the rows copied
   * @param dst at least n · exampleSize() values
   */
  public void copyRows(int[] index, int from, int n, float[] dst) {
    for (int i = 0; i < n; i++) copyRow(index[from + i], dst, i * exampleSize);
  }

  private void copyRow(int row, float[] dst, int at) {
    ByteBuffer b = pieces.get(row / rowsPerPiece).duplicate().order(pieces.get(0).order());
    b.position((row % rowsPerPiece) * exampleSize * itemSize);
    if (float64) {
      for (int k = 0; k < exampleSize; k++) dst[at + k] = (float) b.getDouble();
    } else {
      b.asFloatBuffer().get(dst, at, exampleSize);
    }
  }
}
