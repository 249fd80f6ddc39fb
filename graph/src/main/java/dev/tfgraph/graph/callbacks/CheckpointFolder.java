package dev.tfgraph.graph.callbacks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.io.BoundedJson;
import dev.tfgraph.graph.io.OutputFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A checkpoint folder as a whole, around the files {@link Checkpoints} writes and reads: whether it holds
 * another run's checkpoints, the digest of its index, the temporary files a killed run left, and reading
 * its index ({@link Checkpoints#INDEX}).
 */
public final class CheckpointFolder {
  private static final Pattern LEGACY_TEMP = Pattern.compile("\\.(ckpt-[0-9]{1,10}\\.npz[0-9]+\\.tmp|checkpoint\\.json\\.tmp-[0-9]+)");

  private CheckpointFolder() {}

  /**
   * Refuses (bad input) to start a run that is not resumed in a folder that holds another run's
   * checkpoints, unless it starts over ({@code overwrite}): its first checkpoint would begin to
   * replace them. A folder without a checkpoint index (empty, or of other files) is fine.
   *
   * @param dir the checkpoint folder, or null for none
   * @param resume true when the run continues the folder's run
   * @param overwrite true when the run starts over in the folder
   * @throws BadInputException when the folder holds another run's checkpoint index
   */
  public static void requireNotInUse(Path dir, boolean resume, boolean overwrite) {
    if (dir == null || resume || overwrite || !Files.exists(dir.resolve(Checkpoints.INDEX), LinkOption.NOFOLLOW_LINKS)) return;
    String holds;
    try {
      JsonNode idx = BoundedJson.read(dir.resolve(Checkpoints.INDEX), BoundedJson.MAX_FILE_BYTES, dir.resolve(Checkpoints.INDEX).toString());
      holds = IndexEntries.describe(idx, dir.resolve(Checkpoints.INDEX));
    } catch (BadInputException e) {
      holds = "a checkpoint index that cannot be read (" + e.getMessage() + ")";
    }
    throw new BadInputException("train: checkpoint_dir " + dir + " holds " + holds + "; continue that run (resume)"
        + " or start over and replace its checkpoints (overwrite_checkpoints)");
  }

  /**
   * The SHA-256 of the folder's checkpoint index, or null without a readable one (tells whether a run has checkpointed since).
   *
   * @param dir the checkpoint folder, or null
   * @return the index's SHA-256 in hex, or null
   */
  public static String indexDigest(Path dir) {
    Path p = dir == null ? null : dir.resolve(Checkpoints.INDEX);
    try {
      return p != null && Files.isRegularFile(p) ? sha256(p) : null;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Removes temporary files that a killed run left in {@code dir} (only {@link OutputFiles}'
   * naming, of processes that are gone, and the {@code .ckpt-<n>.npz<digits>.tmp} of older
   * versions); called once when a run starts.
   *
   * @param dir the checkpoint folder, or null; a folder that cannot be listed is left as it is
   */
  public static void removeLeftovers(Path dir) {
    if (dir == null || !Files.isDirectory(dir)) return;
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String n = p.getFileName().toString();
        boolean ours = n.startsWith(".ckpt-") || n.startsWith("." + Checkpoints.INDEX + ".");
        if (ours && (OutputFiles.isLeftover(p) || LEGACY_TEMP.matcher(n).matches() && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException e) {
      // leftovers stay; they are never read as checkpoints
    }
  }

  /** The folder's index, or null without one; an index that cannot be read is bad input. */
  static JsonNode readIndex(Path dir) {
    Path p = dir.resolve(Checkpoints.INDEX);
    if (!Files.isRegularFile(p)) return null;
    try {
      return BoundedJson.read(p, BoundedJson.MAX_FILE_BYTES, p.toString());
    } catch (BadInputException e) {
      throw new BadInputException(p + " is unreadable (" + e.getMessage()
          + "); start over without it: replace it (overwrite_checkpoints) instead of resuming");
    }
  }

  /** The index, or null without one or when it cannot be read. */
  static JsonNode readIndexOrNull(Path dir) {
    try {
      return readIndex(dir);
    } catch (BadInputException e) {
      return null;
    }
  }

  /**
   * The file's SHA-256, in hex.
   *
   * @param file a file
   * @return 64 lowercase hex digits
   * @throws IOException when the file cannot be read
   */
  public static String sha256(Path file) throws IOException {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      try (var in = Files.newInputStream(file)) {
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
