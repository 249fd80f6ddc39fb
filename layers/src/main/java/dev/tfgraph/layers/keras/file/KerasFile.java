package dev.tfgraph.layers.keras.file;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.io.BoundedJson;
import dev.tfgraph.graph.io.IoErrors;
import dev.tfgraph.layers.h5.KerasH5;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
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
 * A Keras model file, opened as untrusted input: a Keras 3 {@code .keras} (a zip of
 * {@code config.json}, {@code metadata.json} and {@code model.weights.h5}) or a full-model HDF5
 * {@code .h5} (root attribute {@code model_config}, group {@code model_weights}), told apart by their
 * first bytes. The zip's entries are read through size-bounded streams (declared sizes are not
 * trusted), their number and their inflated total are bounded (a zip bomb stops at the bound),
 * names with {@code ..}, absolute names and names given twice are refused, and the weights are copied
 * to a private temporary file (jHDF reads files) that {@link #close} deletes. The HDF5 file is opened
 * through tfgraph's guarded reader (external links, external storage and link cycles refused).
 * Nothing in the file is ever executed.
 *
 * <p>Internal to the Keras reader and writer of tfgraph-layers (public for their packages): not an API.
 */
public final class KerasFile implements AutoCloseable {
  public static final int MAX_ENTRIES = 64;
  public static final long MAX_CONFIG_BYTES = BoundedJson.MAX_FILE_BYTES;
  public static final long MAX_METADATA_BYTES = 1L << 20;
  public static final long MAX_WEIGHTS_BYTES = 1L << 36;
  /** Inflated bytes allowed per byte of the zip file (Keras stores its entries uncompressed: about 1). */
  public static final long MAX_INFLATION = 100;

  /** A Keras 3 {@code .keras} zip, or a full-model HDF5 {@code .h5}. */
  public enum Kind { KERAS_ZIP, LEGACY_H5 }

  private final Path file;
  private final Kind kind;
  private final JsonNode config;
  private final HdfFile weights;
  private final JsonNode metadata;
  private final Path temp;

  private KerasFile(Path file, Kind kind, JsonNode config, HdfFile weights, Path temp, JsonNode metadata) {
    this.file = file;
    this.kind = kind;
    this.config = config;
    this.weights = weights;
    this.temp = temp;
    this.metadata = metadata;
  }

  /** The file's path, as given. */
  public Path file() {
    return file;
  }

  /** Which of the two formats the file is. */
  public Kind kind() {
    return kind;
  }

  /** The model's config: config.json, or the .h5's model_config attribute. */
  public JsonNode config() {
    return config;
  }

  /** The weights, open: model.weights.h5 (copied out of the zip), or the .h5 itself. */
  public HdfFile weights() {
    return weights;
  }

  /** A .keras file's metadata.json, or null (an .h5, or a zip without one). */
  public JsonNode metadata() {
    return metadata;
  }

  /** Opens and checks {@code file}; bad input names the file and what is wrong. */
  public static KerasFile open(Path file) {
    IoErrors.requireRegularFile(file, file.toString(), "a Keras model file (.keras or .h5)");
    byte[] magic = new byte[8];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(magic, 0, 8);
    } catch (IOException e) {
      throw new BadInputException(file + ": " + IoErrors.describe(file, e), e);
    }
    if (n >= 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4) return zip(file);
    if (n == 8 && (magic[0] & 0xff) == 0x89 && magic[1] == 'H' && magic[2] == 'D' && magic[3] == 'F') return h5(file);
    throw new BadInputException(file + ": not a Keras model file: neither a zip (.keras) nor an HDF5 file (.h5)");
  }

  private static KerasFile h5(Path file) {
    HdfFile h5 = KerasH5.open(file, "a Keras model file (.keras or .h5)");
    try {
      Attribute a = h5.getAttribute("model_config");
      if (a == null) {
        throw new BadInputException(file + ": an HDF5 file without the model_config attribute: a weights-only file (save_weights),"
            + " not a whole model; expected a file written by model.save(\"model.keras\") or model.save(\"model.h5\")");
      }
      Object v = a.getData();
      String json = v instanceof String s ? s : v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : null;
      if (json == null) throw new BadInputException(file + ": its model_config attribute is not a string");
      if (json.length() > MAX_CONFIG_BYTES) throw new BadInputException(file + ": its model_config is over " + MAX_CONFIG_BYTES + " characters");
      if (!(KerasH5.find(h5, "model_weights") instanceof io.jhdf.api.Group)) {
        throw new BadInputException(file + ": no model_weights group (a model saved without its weights?)");
      }
      return new KerasFile(file, Kind.LEGACY_H5, BoundedJson.parse(json, file + ": model_config"), h5, null, null);
    } catch (RuntimeException e) {
      h5.close();
      if (e instanceof BadInputException) throw e;
      throw new BadInputException(file + ": not a readable Keras .h5 model file (" + KerasH5.reason(e) + ")", e);
    }
  }

  private static KerasFile zip(Path file) {
    long budget;
    try {
      budget = Math.max(Files.size(file), 1L << 20) * MAX_INFLATION;
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
        if (++count > MAX_ENTRIES) throw new BadInputException(file + ": more than " + MAX_ENTRIES + " zip entries (a Keras file has 3)");
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
      config = bounded(zip, c, MAX_CONFIG_BYTES, left, file);
      if (weightsEntry == null) {
        String other = names.stream().filter(s -> s.startsWith("model.weights")).findFirst().orElse(null);
        throw new BadInputException(file + ": no model.weights.h5 in the archive" + (other != null
            ? " (its weights are in " + printable(other) + ", a sharded or npz store tfgraph does not read; save with model.save(\"model.keras\"))"
            : ""));
      }
      ZipEntry meta = zip.getEntry("metadata.json");
      if (meta != null) metadata = BoundedJson.parse(new String(bounded(zip, meta, MAX_METADATA_BYTES, left, file), StandardCharsets.UTF_8),
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
      return new KerasFile(file, Kind.KERAS_ZIP, json, h5, temp, metadata);
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
    long limit = Math.min(MAX_WEIGHTS_BYTES, left[0]);
    try (InputStream in = zip.getInputStream(e); OutputStream out = Files.newOutputStream(to)) {
      byte[] buf = new byte[1 << 16];
      long total = 0;
      for (int r; (r = in.read(buf)) > 0; ) {
        total += r;
        if (total > limit) throw tooLarge(e, limit == MAX_WEIGHTS_BYTES, MAX_WEIGHTS_BYTES, file);
        out.write(buf, 0, r);
      }
      left[0] -= total;
    }
  }

  private static BadInputException tooLarge(ZipEntry e, boolean absolute, long max, Path file) {
    return new BadInputException(file + ": zip entry " + printable(e.getName()) + (absolute
        ? " is larger than the limit of " + max + " bytes"
        : " inflates to more than " + MAX_INFLATION + " times the archive's size (a zip bomb?); tfgraph refuses it"));
  }

  private static String printable(String s) {
    String p = s.replaceAll("\\p{Cntrl}", "?");
    return p.length() > 200 ? p.substring(0, 200) + "..." : p;
  }

  private static void delete(Path p) {
    if (p == null) return;
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // a temporary file we could not delete: the system's temp cleaner will
    }
  }

  @Override
  public void close() {
    try {
      weights.close();
    } finally {
      delete(temp);
    }
  }
}
