package dev.tfgraph.layers.keras.file;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.io.BoundedJson;
import dev.tfgraph.graph.io.IoErrors;
import dev.tfgraph.layers.h5.KerasH5;
import io.jhdf.HdfFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A Keras 3 {@code .keras} zip, read for {@link KerasFile} as untrusted input: its entries through size-bounded
 * streams (declared sizes are not trusted), their number and inflated total bounded, names that climb out, are
 * absolute or are given twice refused, and {@code model.weights.h5} copied to a temporary file only its owner can
 * read (jHDF reads files), deleted when the file closes.
 */
final class KerasArchive {
  private KerasArchive() {}

  /** Reads the {@code .keras} zip {@code file}: its config and metadata, its weights copied to a private temporary file. */
  static KerasFile read(Path file) {
    long budget;
    try {
      budget = Math.max(Files.size(file), 1L << 20) * KerasFile.MAX_INFLATION;
    } catch (IOException e) {
      throw new BadInputException(file + ": " + IoErrors.describe(file, e), e);
    }
    byte[] config = null;
    JsonNode metadata = null;
    Path temp = null;
    try (ZipFile zip = new ZipFile(file.toFile(), StandardCharsets.UTF_8)) {
      Set<String> names = new HashSet<>();
      int count = 0;
      ZipEntry weightsEntry = null;
      for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
        ZipEntry e = en.nextElement();
        String name = e.getName();
        if (++count > KerasFile.MAX_ENTRIES) throw new BadInputException(file + ": more than " + KerasFile.MAX_ENTRIES + " zip entries (a Keras file has 3)");
        if (name.startsWith("/") || name.startsWith("\\") || name.matches("^[A-Za-z]:.*")
            || java.util.Arrays.asList(name.split("[/\\\\]")).contains("..")) {
          throw new BadInputException(file + ": zip entry \"" + printable(name) + "\" is an absolute path or climbs out with ..;"
              + " tfgraph refuses such archives");
        }
        if (!names.add(name)) throw new BadInputException(file + ": zip entry \"" + printable(name) + "\" is given twice");
        if (name.equals("model.weights.h5")) weightsEntry = e;
      }
      ZipEntry c = zip.getEntry("config.json");
      if (c == null) throw new BadInputException(file + ": a zip without config.json: not a Keras .keras file");
      long[] left = {budget};
      config = bounded(zip, c, KerasFile.MAX_CONFIG_BYTES, left, file);
      if (weightsEntry == null) {
        String other = names.stream().filter(s -> s.startsWith("model.weights")).findFirst().orElse(null);
        throw new BadInputException(file + ": no model.weights.h5 in the archive" + (other != null
            ? " (its weights are in " + printable(other) + ", a sharded or npz store tfgraph does not read; save with model.save(\"model.keras\"))"
            : ""));
      }
      ZipEntry meta = zip.getEntry("metadata.json");
      if (meta != null) metadata = BoundedJson.parse(new String(bounded(zip, meta, KerasFile.MAX_METADATA_BYTES, left, file), StandardCharsets.UTF_8),
          file + ": metadata.json");
      temp = privateTempFile();
      copy(zip, weightsEntry, temp, left, file);
    } catch (BadInputException e) {
      delete(temp);
      throw e;
    } catch (ZipException | IllegalArgumentException e) {   // IllegalArgumentException: an entry name that is not UTF-8
      delete(temp);
      throw new BadInputException(file + ": not a readable zip archive (" + e.getMessage() + "); expected a Keras .keras file", e);
    } catch (IOException e) {
      delete(temp);
      throw new BadInputException(file + ": " + IoErrors.describe(file, e), e);
    } catch (RuntimeException e) {
      delete(temp);
      throw e;
    }
    JsonNode json;
    HdfFile h5 = null;
    try {
      json = BoundedJson.parse(new String(config, StandardCharsets.UTF_8), file + ": config.json");
      h5 = KerasH5.open(temp, "an HDF5 file (model.weights.h5 inside the .keras)");
      return new KerasFile(file, KerasFile.Kind.KERAS_ZIP, json, h5, temp, metadata);
    } catch (RuntimeException e) {
      if (h5 != null) h5.close();
      delete(temp);
      String m = e.getMessage() == null ? e.toString() : e.getMessage();
      throw new BadInputException(m.replace(String.valueOf(temp), file + "!model.weights.h5"), e);
    }
  }

  /** A temporary file only its owner can read (mode 600 where the file system has POSIX modes). */
  private static Path privateTempFile() throws IOException {
    try {
      return Files.createTempFile("tfgraph-keras-", ".h5", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Path p = Files.createTempFile("tfgraph-keras-", ".h5");
      p.toFile().setReadable(false, false);
      p.toFile().setReadable(true, true);
      return p;
    }
  }

  /** An entry's bytes, at most {@code max} and within what is left of the inflation budget. */
  private static byte[] bounded(ZipFile zip, ZipEntry e, long max, long[] left, Path file) throws IOException {
    try (InputStream in = zip.getInputStream(e)) {
      long limit = Math.min(max, left[0]);
      byte[] b = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
      if (b.length > limit) throw tooLarge(e, limit == max, max, file);
      left[0] -= b.length;
      return b;
    }
  }

  private static void copy(ZipFile zip, ZipEntry e, Path to, long[] left, Path file) throws IOException {
    long limit = Math.min(KerasFile.MAX_WEIGHTS_BYTES, left[0]);
    try (InputStream in = zip.getInputStream(e); OutputStream out = Files.newOutputStream(to)) {
      byte[] buf = new byte[1 << 16];
      long total = 0;
      for (int r; (r = in.read(buf)) > 0; ) {
        total += r;
        if (total > limit) throw tooLarge(e, limit == KerasFile.MAX_WEIGHTS_BYTES, KerasFile.MAX_WEIGHTS_BYTES, file);
        out.write(buf, 0, r);
      }
      left[0] -= total;
    }
  }

  private static BadInputException tooLarge(ZipEntry e, boolean absolute, long max, Path file) {
    return new BadInputException(file + ": zip entry " + printable(e.getName()) + (absolute
        ? " is larger than the limit of " + max + " bytes"
        : " inflates to more than " + KerasFile.MAX_INFLATION + " times the archive's size (a zip bomb?); tfgraph refuses it"));
  }

  private static String printable(String s) {
    String p = s.replaceAll("\\p{Cntrl}", "?");
    return p.length() > 200 ? p.substring(0, 200) + "..." : p;
  }

  static void delete(Path p) {
    if (p == null) return;
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // a temporary file we could not delete: the system's temp cleaner will
    }
  }
}
