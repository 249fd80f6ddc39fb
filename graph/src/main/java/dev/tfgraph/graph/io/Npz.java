package dev.tfgraph.graph.io;

import dev.tfgraph.graph.BadInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * numpy's .npz archives (np.savez and np.savez_compressed). Bounded for untrusted files: at most
 * {@link #MAX_ENTRIES} entries; each entry is at most {@link #MAX_ENTRY} inflated bytes and all of
 * them at most {@link #MAX_TOTAL}, by their declared sizes and counted as they inflate; and each
 * entry's array must fit the free heap ({@link ArrayBudget}) before it is allocated. Entries are
 * decoded as they inflate, never held whole.
 */
public final class Npz {
  /** The entries an archive may hold. */
  public static final int MAX_ENTRIES = 10_000;
  static final long MAX_ENTRY = 2L << 30;
  static final long MAX_TOTAL = 4L << 30;

  private Npz() {}

  /**
   * @param file the .npz archive
   * @return its arrays by name (the entry name without ".npy"), in archive order
   * @throws dev.tfgraph.graph.BadInputException if the file is missing, not a zip archive, past a limit, or
   *     an entry is not a valid .npy
   */
  public static Map<String, NpyArray> read(Path file) {
    IoErrors.requireRegularFile(file, file.toString(), null);
    Map<String, NpyArray> out = new LinkedHashMap<>();
    try (ZipFile zip = new ZipFile(file.toFile())) {
      if (zip.size() > MAX_ENTRIES) throw new BadInputException(file + ": " + zip.size() + " entries, more than " + MAX_ENTRIES);
      long total = 0;
      for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
        ZipEntry e = en.nextElement();
        if (e.isDirectory()) continue;
        String name = e.getName();
        String key = name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
        String what = file + " entry \"" + key + "\"";
        if (out.containsKey(key)) throw new BadInputException(file + ": duplicate entry \"" + key + "\"");
        long size = declaredSize(e, total, what);
        try (InputStream in = bounded(zip.getInputStream(e), size, what)) {
          out.put(key, Npy.read(in, size, what));
        }
        total += size;
      }
    } catch (ZipException e) {
      throw new BadInputException(file + ": not a valid .npz (zip) archive: " + e.getMessage());
    } catch (IOException e) {
      throw new BadInputException(file + ": cannot read (" + e.getMessage() + ")");
    }
    return out;
  }

  /** The entry's inflated size as the archive declares it, refused above the limits left. */
  static long declaredSize(ZipEntry e, long total, String what) {
    long size = e.getSize();
    if (size > MAX_ENTRY) {
      throw new BadInputException(what + ": inflates to " + size + " bytes, more than the limit of " + MAX_ENTRY + " bytes per entry");
    }
    if (size > MAX_TOTAL - total) {
      throw new BadInputException(what + ": inflates to " + size + " bytes, past the limit of " + MAX_TOTAL
          + " bytes for all entries (" + total + " so far)");
    }
    return size >= 0 ? size : Math.min(MAX_ENTRY, MAX_TOTAL - total);
  }

  /** A stream that fails once it delivers more than limit bytes: the declared size is not trusted. */
  static InputStream bounded(InputStream in, long limit, String what) {
    return new java.io.FilterInputStream(in) {
      private long count;

      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) counted(1);
        return b;
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        int r = super.read(buf, off, len);
        if (r > 0) counted(r);
        return r;
      }

      private void counted(int r) {
        count += r;
        if (count > limit) throw new BadInputException(what + ": inflates past its limit of " + limit + " bytes");
      }
    };
  }

  /**
   * Stored (uncompressed) entries "&lt;key&gt;.npy", written through {@link OutputFiles}; numpy.load reads
   * them.
   * @param file the archive written, replaced if present
   * @param arrays the arrays by name, written in map order
   * @throws IOException if the file cannot be written
   */
  public static void write(Path file, Map<String, NpyArray> arrays) throws IOException {
    OutputFiles.write(file, os -> {
      ZipOutputStream zip = new ZipOutputStream(os);
      for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Npy.write(b, e.getValue());
        byte[] bytes = b.toByteArray();
        ZipEntry z = new ZipEntry(e.getKey() + ".npy");
        z.setMethod(ZipEntry.STORED);
        z.setSize(bytes.length);
        z.setCompressedSize(bytes.length);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        z.setCrc(crc.getValue());
        zip.putNextEntry(z);
        zip.write(bytes);
        zip.closeEntry();
      }
      zip.finish();
    });
  }
}
