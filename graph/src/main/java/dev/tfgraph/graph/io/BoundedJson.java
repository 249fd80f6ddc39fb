package dev.tfgraph.graph.io;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.runtime.Devices;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The one reader of JSON that users hand us (spec files, cluster specs): the file is read with a
 * byte limit before parsing, and parsed with stated limits on nesting, number and string lengths
 * and token count; a key given twice and content after the document are refused. Every failure is
 * a {@link BadInputException} of one line that names the source.
 */
public final class BoundedJson {
  /** Spec files: far above any real spec (a few KiB), far below the heap. */
  public static final long MAX_FILE_BYTES = 16L << 20;
  /** Nesting of arrays and objects: at most 64. */
  public static final int MAX_DEPTH = 64;
  /** Characters of one number: at most 100. */
  public static final int MAX_NUMBER_LENGTH = 100;
  /** Characters of one string value: at most 2^20. */
  public static final int MAX_STRING_LENGTH = 1 << 20;
  /** Characters of one key: at most 1024. */
  public static final int MAX_NAME_LENGTH = 1024;
  /** Tokens of one document: at most a million. */
  public static final long MAX_TOKENS = 1_000_000;

  private static final ObjectMapper READER = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(MAX_DEPTH)
          .maxNumberLength(MAX_NUMBER_LENGTH)
          .maxStringLength(MAX_STRING_LENGTH)
          .maxNameLength(MAX_NAME_LENGTH)
          .maxTokenCount(MAX_TOKENS)
          .maxDocumentLength(MAX_FILE_BYTES)
          .build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build())
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private BoundedJson() {}

  /**
   * Parses one JSON document; {@code what} names the source in messages.
   * @param json the document
   * @param what the source, as messages name it
   * @return the document
   * @throws dev.tfgraph.graph.BadInputException if it is empty, not JSON, past a limit, has a key twice or
   *     content after it
   */
  public static JsonNode parse(String json, String what) {
    try {
      return nonEmpty(READER.readTree(json), what);
    } catch (JsonProcessingException e) {
      throw bad(e, what);
    }
  }

  /**
   * Reads a regular file of at most maxBytes and parses it.
   * @param file the file
   * @param maxBytes the largest size accepted, e.g. {@link #MAX_FILE_BYTES}
   * @param what the source, as messages name it
   * @return the document
   * @throws dev.tfgraph.graph.BadInputException if the file is missing, not a regular file, too large or
   *     cannot be read, or as {@link #parse}
   */
  public static JsonNode read(Path file, long maxBytes, String what) {
    byte[] bytes = readBounded(file, maxBytes, what);
    try {
      return nonEmpty(READER.readTree(bytes), what);
    } catch (IOException e) {
      throw bad(e, what);
    }
  }

  /**
   * The bytes of a regular file, refused above maxBytes. Devices and pipes are refused before
   * they are opened: /dev/zero never ends, and opening a FIFO waits for a writer.
   */
  static byte[] readBounded(Path file, long maxBytes, String what) {
    IoErrors.requireRegularFile(file, what, "a JSON file of at most " + maxBytes + " bytes");
    try (InputStream in = Files.newInputStream(file)) {
      byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
      if (b.length > maxBytes) {
        throw new BadInputException(what + ": larger than the limit of " + maxBytes + " bytes for a JSON file");
      }
      return b;
    } catch (NoSuchFileException e) {
      throw new BadInputException(what + ": no such file");
    } catch (IOException e) {
      throw new BadInputException(what + ": " + IoErrors.describe(file, e));
    }
  }

  private static JsonNode nonEmpty(JsonNode root, String what) {
    if (root == null || root.isMissingNode()) throw new BadInputException(what + ": empty document, expected a JSON object");
    return root;
  }

  /** One line: what was wrong and, when Jackson knows it, where. */
  static BadInputException bad(IOException e, String what) {
    String msg = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    msg = String.valueOf(msg).replaceAll(", from `[^`]*`", "").replaceAll("\\s+", " ").strip();
    if (msg.length() > 300) msg = msg.substring(0, 300) + "...";
    JsonLocation at = e instanceof JsonProcessingException j ? j.getLocation() : null;
    String where = at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    String kind = e instanceof StreamConstraintsException ? "JSON over a limit: " : "not valid JSON: ";
    return new BadInputException(what + ": " + kind + msg + where, e);
  }
}
