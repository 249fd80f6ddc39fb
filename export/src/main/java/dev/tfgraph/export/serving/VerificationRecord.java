package dev.tfgraph.export.serving;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import org.tensorflow.TensorFlow;

/**
 * One verified folder's record file in this user's cache: the bytes tfgraph writes for a {@link
 * FolderDigest}, written atomically in a folder only this user may write, and trusted only when a
 * file holds exactly those bytes and, on POSIX systems, belongs to this user and nobody else may
 * write it or its folder.
 */
final class VerificationRecord {
  static final int FORMAT = 1;

  private VerificationRecord() {}

  /** Whether {@code file} holds exactly what {@link #write} writes for this digest, in a file only this user may write. */
  static boolean matches(Path file, FolderDigest d) {
    try {
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

  /** Writes the record of a verified folder into {@code dir}; failures (a read-only cache, a full disk) only mean the next load probes again. */
  static void write(Path dir, Path file, FolderDigest d) {
    try {
      if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) || !ownedAndPrivate(dir)) return;
      } else if (posix(existingAncestor(dir))) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectories(dir);
      }
      if (Files.isSymbolicLink(file)) return;
      dev.tfgraph.graph.io.OutputFiles.write(file, bytes(d));
      if (posix(file)) Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException | RuntimeException e) {
      // not recorded: the next load probes again
    }
  }

  /** The record's bytes: one JSON object, keys in a fixed order, files sorted by path. */
  static byte[] bytes(FolderDigest d) {
    StringBuilder b = new StringBuilder();
    b.append("{\n  \"format\": ").append(FORMAT);
    b.append(",\n  \"path\": ").append(quote(d.realDir().toString()));
    b.append(",\n  \"tfgraph_version\": ").append(quote(ExportRecord.TFGRAPH_VERSION));
    b.append(",\n  \"tensorflow_version\": ").append(quote(TensorFlow.version()));
    b.append(",\n  \"files\": {");
    String sep = "\n";
    for (Map.Entry<String, FolderDigest.FileDigest> e : d.files().entrySet()) {
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
}
