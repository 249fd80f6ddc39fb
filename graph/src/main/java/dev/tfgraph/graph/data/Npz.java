package dev.tfgraph.graph.data;

import dev.tfgraph.graph.BadInputException;
import java.io.ByteArrayInputStream;
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
 * {@link #MAX_ENTRIES} entries, and inflated bytes are counted as they arrive (the zip header's
 * sizes are not trusted) against a per-entry and a total limit.
 */
public final class Npz {
  public static final int MAX_ENTRIES = 10_000;
  static final long MAX_TOTAL = 4L << 30;
  static final int MAX_ENTRY = Integer.MAX_VALUE - 64;

  private Npz() {}

  public static Map<String, NpyArray> read(Path file) {
    if (!Files.isRegularFile(file)) throw new BadInputException(file + ": no such file");
    Map<String, NpyArray> out = new LinkedHashMap<>();
    try (ZipFile zip = new ZipFile(file.toFile())) {
      if (zip.size() > MAX_ENTRIES) throw new BadInputException(file + ": " + zip.size() + " entries, more than " + MAX_ENTRIES);
      long total = 0;
      for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
        ZipEntry e = en.nextElement();
        if (e.isDirectory()) continue;
        String name = e.getName();
        String key = name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
        if (out.containsKey(key)) throw new BadInputException(file + ": duplicate entry \"" + key + "\"");
        byte[] bytes;
        try (InputStream in = zip.getInputStream(e)) {
          bytes = readBounded(in, Math.min(MAX_ENTRY, MAX_TOTAL - total), file + ":" + name);
        }
        total += bytes.length;
        out.put(key, Npy.read(new ByteArrayInputStream(bytes), bytes.length, file + " entry \"" + key + "\""));
      }
    } catch (ZipException e) {
      throw new BadInputException(file + ": not a valid .npz (zip) archive: " + e.getMessage());
    } catch (IOException e) {
      throw new BadInputException(file + ": cannot read (" + e.getMessage() + ")");
    }
    return out;
  }

  static byte[] readBounded(InputStream in, long limit, String what) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[1 << 16];
    long n = 0;
    for (int r; (r = in.read(buf)) > 0; ) {
      n += r;
      if (n > limit) throw new BadInputException(what + ": entry larger than the " + limit + "-byte limit");
      out.write(buf, 0, r);
    }
    return out.toByteArray();
  }

  /** Stored (uncompressed) entries "<key>.npy", written through {@link OutputFiles}; numpy.load reads them. */
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
