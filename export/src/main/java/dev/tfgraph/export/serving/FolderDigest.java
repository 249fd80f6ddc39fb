package dev.tfgraph.export.serving;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Every file of a version folder, taken at one moment: its size and SHA-256, by path relative to
 * the folder ('/'-separated). What a record of {@link VerifiedModels} holds, and what a folder must
 * still match for its record to be trusted.
 *
 * <p>Internal: used by the exporter and the predictor; not an API.
 *
 * @param realDir the folder's real path
 * @param files each file's size and SHA-256, sorted by path
 */
public record FolderDigest(Path realDir, SortedMap<String, FileDigest> files) {
  /** At most this many files in a version folder for it to be recorded (a SavedModel has a handful). */
  static final int MAX_FILES = 10_000;

  /**
   * One file's size and SHA-256.
   *
   * @param size the file's length in bytes
   * @param sha256 the file's SHA-256 as 64 lowercase hex digits
   */
  public record FileDigest(long size, String sha256) {}

  /**
   * The same files, for another folder (the one a staging folder was renamed to).
   *
   * @param otherRealDir the other folder's real path
   * @return a digest with the same files and the other folder
   */
  public FolderDigest at(Path otherRealDir) {
    return new FolderDigest(otherRealDir, files);
  }

  /**
   * Reads and hashes every file of a folder. Never throws: a folder that cannot be recorded is
   * simply not trusted later.
   *
   * @param dir the folder
   * @return the folder's digest, or null when it cannot be recorded (symbolic links, special
   *     files, more than 10,000 files, unreadable)
   */
  public static FolderDigest of(Path dir) {
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
      return new FolderDigest(real, files);
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

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
