package dev.tfgraph.layers.h5;

import dev.tfgraph.graph.BadInputException;
import io.jhdf.api.Dataset;
import io.jhdf.api.dataset.ChunkedDataset;
import io.jhdf.filter.BitShuffleFilter;
import io.jhdf.filter.Filter;
import io.jhdf.filter.FilterManager;
import io.jhdf.filter.Lz4Filter;
import io.jhdf.filter.LzfFilter;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.function.Supplier;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * jHDF's decompression filters with their output bounded: a chunk decodes to at most its nominal
 * size (chunk dimensions × element size), so a 1 MB weights file whose compressed chunk inflates to
 * gigabytes (an HDF5 decompression bomb; jHDF inflates without bound) is refused instead of filling
 * the heap. Deflate (gzip) is inflated here; LZF, LZ4 and bitshuffle, which allocate the size their
 * data or parameters declare, are refused when that size is over the bound. Installed once, for the
 * whole JVM, by {@link #install}; {@link #read} sets the bound of the dataset being read.
 */
final class Hdf5Filters {
  /** The bound outside {@link #read} (nothing tfgraph reads through jHDF is filtered there), and the least one inside: 16 MiB. */
  static final long DEFAULT_MAX_CHUNK_BYTES = 16L << 20;
  private static final ThreadLocal<Long> MAX = ThreadLocal.withInitial(() -> DEFAULT_MAX_CHUNK_BYTES);

  static {
    FilterManager.addFilter(new BoundedDeflate());
    FilterManager.addFilter(new Declared(new LzfFilter()));
    FilterManager.addFilter(new Declared(new Lz4Filter()));
    FilterManager.addFilter(new Declared(new BitShuffleFilter()));
  }

  private Hdf5Filters() {}

  /** Replaces jHDF's filters (once; later calls do nothing). */
  static void install() {
    // the static initializer does it
  }

  /**
   * {@code d}'s values, every chunk decoded to at most its nominal size (chunk dimensions × element
   * size), and to at most the dataset's own size or {@link #DEFAULT_MAX_CHUNK_BYTES}, whichever is
   * larger: a chunk far larger than its dataset (possible for a resizable one) holds nothing it needs.
   */
  static Object read(Dataset d) {
    long bound = DEFAULT_MAX_CHUNK_BYTES;
    if (d instanceof ChunkedDataset c) {
      long chunk = d.getDataType().getSize();
      try {
        for (int n : c.getChunkDimensions()) chunk = Math.multiplyExact(chunk, n);
      } catch (ArithmeticException e) {
        chunk = Long.MAX_VALUE;
      }
      bound = Math.min(chunk, Math.max(d.getSizeInBytes(), DEFAULT_MAX_CHUNK_BYTES));
    }
    return bounded(bound, d::getDataFlat);
  }

  private static <T> T bounded(long maxBytes, Supplier<T> read) {
    Long before = MAX.get();
    MAX.set(maxBytes);
    try {
      return read.get();
    } finally {
      MAX.set(before);
    }
  }

  private static BadInputException over(String filter, long size) {
    return new BadInputException(filter + (size == Long.MAX_VALUE ? " data decodes to more than " + MAX.get() + " bytes, " : " data declares "
        + size + " bytes, ") + "more than its chunk can need (" + MAX.get() + " bytes): a decompression bomb or a corrupt chunk");
  }

  /** Deflate, stopped one byte past the bound. */
  private static final class BoundedDeflate implements Filter {
    public int getId() {
      return 1;
    }

    public String getName() {
      return "deflate";
    }

    public byte[] decode(byte[] encoded, int[] filterData) {
      long max = MAX.get();
      Inflater inf = new Inflater();
      try {
        inf.setInput(encoded);
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(max, 1 << 20) + 1);
        byte[] buf = new byte[1 << 16];
        while (!inf.finished()) {
          int n = inf.inflate(buf);
          if (n == 0 && (inf.needsInput() || inf.needsDictionary())) throw new BadInputException("deflate data ends before its stream does: a corrupt chunk");
          out.write(buf, 0, n);
          if (out.size() > max) throw over("deflate", Long.MAX_VALUE);
        }
        return out.toByteArray();
      } catch (DataFormatException e) {
        throw new BadInputException("deflate data is corrupt (" + e.getMessage() + ")", e);
      } finally {
        inf.end();
      }
    }
  }

  /** LZF, LZ4, bitshuffle: the output size they allocate (a parameter, or the data's first 8 bytes) checked first. */
  private record Declared(Filter inner) implements Filter {
    public int getId() {
      return inner.getId();
    }

    public String getName() {
      return inner.getName();
    }

    public byte[] decode(byte[] encoded, int[] filterData) {
      long size;
      if (inner instanceof LzfFilter) {
        size = filterData != null && filterData.length > 2 ? Integer.toUnsignedLong(filterData[2]) : 0;
      } else {
        size = encoded.length >= 8 ? ByteBuffer.wrap(encoded, 0, 8).getLong() : 0;   // big-endian total size
        if (size < 0) size = Long.MAX_VALUE;
      }
      if (size > MAX.get()) throw over(getName(), size);
      return inner.decode(encoded, filterData);
    }
  }
}
