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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

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
  /** Most entries a .keras zip may have (Keras writes three). */
  public static final int MAX_ENTRIES = 64;
  /** Largest config.json (or model_config attribute), in bytes. */
  public static final long MAX_CONFIG_BYTES = BoundedJson.MAX_FILE_BYTES;
  /** Largest metadata.json, in bytes (1 MiB). */
  public static final long MAX_METADATA_BYTES = 1L << 20;
  /** Largest model.weights.h5 inside a zip, in bytes (64 GiB). */
  public static final long MAX_WEIGHTS_BYTES = 1L << 36;
  /** Inflated bytes allowed per byte of the zip file (Keras stores its entries uncompressed: about 1). */
  public static final long MAX_INFLATION = 100;

  /** A Keras 3 {@code .keras} zip, or a full-model HDF5 {@code .h5}. */
  public enum Kind {
    /** A Keras 3 .keras zip. */
    KERAS_ZIP,
    /** A full-model HDF5 .h5 (Keras 3's legacy writer, or Keras 2). */
    LEGACY_H5
  }

  private final Path file;
  private final Kind kind;
  private final JsonNode config;
  private final HdfFile weights;
  private final JsonNode metadata;
  private final Path temp;

  KerasFile(Path file, Kind kind, JsonNode config, HdfFile weights, Path temp, JsonNode metadata) {
    this.file = file;
    this.kind = kind;
    this.config = config;
    this.weights = weights;
    this.temp = temp;
    this.metadata = metadata;
  }

  /**
   * The file's path, as given.
   *
   * @return the path
   */
  public Path file() {
    return file;
  }

  /**
   * Which of the two formats the file is.
   *
   * @return the format
   */
  public Kind kind() {
    return kind;
  }

  /**
   * The model's config: config.json, or the .h5's model_config attribute.
   *
   * @return the parsed config (size-bounded)
   */
  public JsonNode config() {
    return config;
  }

  /**
   * The weights, open: model.weights.h5 (copied out of the zip), or the .h5 itself; closed with this file.
   *
   * @return the open HDF5 file
   */
  public HdfFile weights() {
    return weights;
  }

  /**
   * A .keras file's metadata.json.
   *
   * @return the parsed metadata, or null (an .h5, or a zip without one)
   */
  public JsonNode metadata() {
    return metadata;
  }

  /**
   * Opens and checks {@code file}, told apart by its first bytes; close the result.
   *
   * @param file a .keras zip or a full-model .h5
   * @return the open file
   * @throws BadInputException naming the file and what is wrong: unreadable, neither zip nor HDF5,
   *     a weights-only .h5, an entry missing, unsafe or over its bound, or malformed JSON
   */
  public static KerasFile open(Path file) {
    IoErrors.requireRegularFile(file, file.toString(), "a Keras model file (.keras or .h5)");
    byte[] magic = new byte[8];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(magic, 0, 8);
    } catch (IOException e) {
      throw new BadInputException(file + ": " + IoErrors.describe(file, e), e);
    }
    if (n >= 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4) return KerasArchive.read(file);
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

  /** Closes the weights file and deletes the temporary copy of a zip's weights. */
  @Override
  public void close() {
    try {
      weights.close();
    } finally {
      KerasArchive.delete(temp);
    }
  }
}
