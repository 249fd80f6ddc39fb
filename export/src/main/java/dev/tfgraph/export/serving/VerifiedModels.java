package dev.tfgraph.export.serving;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * This user's record of the SavedModel version folders that tfgraph has verified: probed in a child
 * JVM ({@link ChildJvm#probe}) or exported and verified by tfgraph's {@code Exporter}. A folder whose every file
 * has the size and SHA-256 recorded is not probed again; any change (a file added, removed, or
 * changed in one byte) and it is. The record lives outside the model folder, in the user's cache
 * directory (a model folder cannot vouch for itself): one file per folder, named by the SHA-256 of
 * the folder's real path, written atomically (concurrent runs each write a whole file, the last
 * rename wins). A record is trusted only when its bytes are exactly those tfgraph would write for the
 * folder as it is now, and, on POSIX systems, when it and its folder belong to this user and nobody
 * else may write them; anything else (a corrupt, foreign or hostile file) is ignored and the model
 * probed again. A folder holding symbolic links or special files is never recorded: it is probed at
 * every load. {@link FolderDigest} is what a record holds, {@link VerificationRecord} its file.
 *
 * <p>Internal: used by the exporter and the predictor; not an API.
 */
public final class VerifiedModels {
  /** System property naming the cache directory (tests, several installations side by side). */
  public static final String DIR_PROPERTY = "tfgraph.cache.dir";
  /** Environment variable naming the cache directory, when the property is not set. */
  public static final String DIR_ENV = "TFGRAPH_CACHE_DIR";
  /** The records' folder inside the cache directory. */
  public static final String RECORDS = "verified-models";

  private VerifiedModels() {}

  /**
   * The cache directory: the {@value #DIR_PROPERTY} property, else {@value #DIR_ENV}, else
   * {@code $XDG_CACHE_HOME/tfgraph} (an absolute XDG_CACHE_HOME), else {@code ~/.cache/tfgraph}.
   *
   * @return the cache directory, absolute (it need not exist)
   */
  public static Path cacheDir() {
    String p = System.getProperty(DIR_PROPERTY);
    if (p == null || p.isBlank()) p = System.getenv(DIR_ENV);
    if (p != null && !p.isBlank()) return Path.of(p).toAbsolutePath();
    String xdg = System.getenv("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) return Path.of(xdg, "tfgraph");
    return Path.of(System.getProperty("user.home"), ".cache", "tfgraph");
  }

  /**
   * Probes a version folder in a child JVM unless this user's record says that tfgraph verified it
   * with exactly the files it holds now; a successful probe is recorded when the folder did not
   * change while it ran.
   *
   * @return true when the probe was skipped (the folder was recorded)
   */
  static boolean probeUnlessVerified(Path dir) {
    FolderDigest before = FolderDigest.of(dir);
    if (before != null && isRecorded(before)) return true;
    ChildJvm.probe(dir);
    if (before != null && before.equals(FolderDigest.of(dir))) record(before);
    return false;
  }

  /**
   * Whether the folder, as it is now, is recorded as verified. Never throws.
   *
   * @param dir a SavedModel version folder
   * @return true when a trusted record matches every file; false whenever it cannot be told
   */
  public static boolean isVerified(Path dir) {
    FolderDigest d = FolderDigest.of(dir);
    return d != null && isRecorded(d);
  }

  /** Records a verified folder; failures (a read-only cache, a full disk) only mean the next load probes again. */
  static void record(FolderDigest d) {
    try {
      VerificationRecord.write(recordsDir(), recordFile(d.realDir()), d);
    } catch (RuntimeException e) {
      // not recorded: the next load probes again
    }
  }

  /**
   * Records a digest taken elsewhere (export's staging folder, {@link FolderDigest#of} before the
   * child JVM verified it) for the folder it was renamed to; never fails.
   *
   * @param d the digest of the folder's files
   * @param dir the folder the files are in now
   */
  public static void recordAt(FolderDigest d, Path dir) {
    try {
      record(d.at(dir.toRealPath()));
    } catch (IOException | RuntimeException e) {
      // not recorded: the first load probes it
    }
  }

  /** Whether this user's record of the digest's folder holds exactly this digest, in a file only this user may write. */
  static boolean isRecorded(FolderDigest d) {
    try {
      return VerificationRecord.matches(recordFile(d.realDir()), d);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Removes this user's records: every model is probed again at its next load.
   *
   * @return how many records were removed
   * @throws dev.tfgraph.graph.RunFailedException when the records folder cannot be listed or a record removed
   */
  public static int clear() {
    Path dir = recordsDir();
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) return 0;
    int n = 0;
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (Files.deleteIfExists(p)) n++;
      }
    } catch (IOException e) {
      throw new dev.tfgraph.graph.RunFailedException("cannot clear " + dir + ": " + e.getMessage(), e);
    }
    return n;
  }

  static Path recordsDir() {
    return cacheDir().resolve(RECORDS);
  }

  static Path recordFile(Path realDir) {
    return recordsDir().resolve(HexFormat.of().formatHex(FolderDigest.sha256().digest(realDir.toString().getBytes(StandardCharsets.UTF_8))) + ".json");
  }
}
