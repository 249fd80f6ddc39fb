package dev.tfgraph.export.serving;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.tensorflow.TensorFlow;

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
 * every load.
 */
public final class VerifiedModels {
  /** System property naming the cache directory (tests, several installations side by side). */
  public static final String DIR_PROPERTY = "tfgraph.cache.dir";
  /** Environment variable naming the cache directory, when the property is not set. */
  public static final String DIR_ENV = "TFGRAPH_CACHE_DIR";
  /** The records' folder inside the cache directory. */
  public static final String RECORDS = "verified-models";
  /** At most this many files in a version folder for it to be recorded (a SavedModel has a handful). */
  static final int MAX_FILES = 10_000;
  static final int FORMAT = 1;

  private VerifiedModels() {}

  /** Every file of a version folder: its size and SHA-256, by path relative to the folder ('/'-separated). */
  public record Digest(Path realDir, SortedMap<String, FileDigest> files) {
    public Digest at(Path otherRealDir) {
      return new Digest(otherRealDir, files);
    }
  }

  public record FileDigest(long size, String sha256) {}

  /**
   * The cache directory: the {@value #DIR_PROPERTY} property, else {@value #DIR_ENV}, else
   * {@code $XDG_CACHE_HOME/tfgraph} (an absolute XDG_CACHE_HOME), else {@code ~/.cache/tfgraph}.
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
    Digest before = digestOrNull(dir);
    if (before != null && isRecorded(before)) return true;
    ChildJvm.probe(dir);
    if (before != null && before.equals(digestOrNull(dir))) record(before);
    return false;
  }

  /** Whether the folder, as it is now, is recorded as verified (false whenever it cannot be told). */
  public static boolean isVerified(Path dir) {
    Digest d = digestOrNull(dir);
    return d != null && isRecorded(d);
  }

  /** The folder's digest, or null when it cannot be recorded (symbolic links, special files, too many files, unreadable). */
  public static Digest digestOrNull(Path dir) {
    try {
      Path real = dir.toRealPath();
      SortedMap<String, FileDigest> files = new TreeMap<>();
      MessageDigest sha = sha256();
      ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
      try (Stream<Path> s = Files.walk(real)) {
        for (Path p : (Iterable<Path>) s::iterator) {
          BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          if (a.isDirectory()) continue;
          if (!a.isRegularFile() || files.size() >= MAX_FILES) return null;
          StringBuilder rel = new StringBuilder();
          for (Path part : real.relativize(p)) rel.append(rel.length() == 0 ? "" : "/").append(part);
          files.put(rel.toString(), hash(p, sha, buf));
        }
      }
      return new Digest(real, files);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static FileDigest hash(Path file, MessageDigest sha, ByteBuffer buf) throws IOException {
    sha.reset();
    long size = 0;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      buf.clear();
      for (int n; (n = ch.read(buf)) >= 0; buf.clear()) {
        buf.flip();
        sha.update(buf);
        size += n;
      }
    }
    return new FileDigest(size, HexFormat.of().formatHex(sha.digest()));
  }

  /** Records a verified folder; failures (a read-only cache, a full disk) only mean the next load probes again. */
  static void record(Digest d) {
    try {
      Path dir = recordsDir();
      if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) || !ownedAndPrivate(dir)) return;
      } else if (posix(existingAncestor(dir))) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectories(dir);
      }
      Path file = recordFile(d.realDir());
      if (Files.isSymbolicLink(file)) return;
      dev.tfgraph.graph.io.OutputFiles.write(file, bytes(d));
      if (posix(file)) Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException | RuntimeException e) {
      // not recorded: the next load probes again
    }
  }

  /** Records a digest taken elsewhere (export's staging folder) for the folder it was renamed to; never fails. */
  public static void recordAt(Digest d, Path dir) {
    try {
      record(d.at(dir.toRealPath()));
    } catch (IOException | RuntimeException e) {
      // not recorded: the first load probes it
    }
  }

  /** Removes this user's records (every model is probed again at its next load); returns how many. */
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
    return recordsDir().resolve(HexFormat.of().formatHex(sha256().digest(realDir.toString().getBytes(StandardCharsets.UTF_8))) + ".json");
  }

  /** Whether the record file holds exactly what {@link #record} writes for this digest, in a file only this user may write. */
  static boolean isRecorded(Digest d) {
    try {
      Path file = recordFile(d.realDir());
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) return false;
      if (!ownedAndPrivate(file) || !ownedAndPrivate(file.getParent())) return false;
      byte[] want = bytes(d);
      byte[] got;
      try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
        got = in.readNBytes(want.length + 1);
      }
      return java.util.Arrays.equals(want, got);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** The record's bytes: one JSON object, keys in a fixed order, files sorted by path. */
  static byte[] bytes(Digest d) {
    StringBuilder b = new StringBuilder();
    b.append("{\n  \"format\": ").append(FORMAT);
    b.append(",\n  \"path\": ").append(quote(d.realDir().toString()));
    b.append(",\n  \"tfgraph_version\": ").append(quote(ExportRecord.TFGRAPH_VERSION));
    b.append(",\n  \"tensorflow_version\": ").append(quote(TensorFlow.version()));
    b.append(",\n  \"files\": {");
    String sep = "\n";
    for (Map.Entry<String, FileDigest> e : d.files().entrySet()) {
      b.append(sep).append("    ").append(quote(e.getKey())).append(": {\"size\": ").append(e.getValue().size())
          .append(", \"sha256\": ").append(quote(e.getValue().sha256())).append("}");
      sep = ",\n";
    }
    b.append("\n  }\n}\n");
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20) b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }

  /** On POSIX: owned by this process's user, and neither group nor others may write it. Elsewhere: true. */
  static boolean ownedAndPrivate(Path p) throws IOException {
    if (!posix(p)) return true;
    Object uid = Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
    return uid instanceof Integer u && u == Uid.CURRENT
        && !perms.contains(PosixFilePermission.GROUP_WRITE) && !perms.contains(PosixFilePermission.OTHERS_WRITE);
  }

  private static boolean posix(Path p) {
    return p.getFileSystem().supportedFileAttributeViews().contains("unix");
  }

  private static Path existingAncestor(Path p) {
    Path a = p.toAbsolutePath();
    while (a.getParent() != null && !Files.exists(a)) a = a.getParent();
    return a;
  }

  /** This process's user id, read once (-1 where it cannot be told: then no record is trusted). */
  private static final class Uid {
    static final long CURRENT = read();

    private static long read() {
      try {
        return new com.sun.security.auth.module.UnixSystem().getUid();
      } catch (Throwable t) {
        return -1;
      }
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
