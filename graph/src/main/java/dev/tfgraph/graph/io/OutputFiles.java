package dev.tfgraph.graph.io;

import dev.tfgraph.graph.BadInputException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way tfgraph writes a file a user sees: into a temporary file in the target's folder,
 * flushed to disk, renamed over the target in one step, so that a reader sees the old file or
 * the new one and never a part. The new file gets the mode the umask gives (as any program's
 * {@code open(O_CREAT, 0666)}); an existing file keeps its mode; a symbolic link is followed
 * and its target replaced, the link kept. A target that exists and is neither a file nor a folder
 * (a device such as /dev/null or /dev/stdout, a named pipe) is written straight into: a rename would
 * put a plain file in its place. Temporary files are named {@code .<name>.<pid>-<random>.tmp}
 * ({@link #isLeftover} recognizes those of dead processes); a JVM stopped by SIGTERM removes its own.
 */
public final class OutputFiles {
  /** The temporary-file name pattern: {@code .<target name>.<pid>-<random>.tmp}. */
  private static final Pattern TEMP = Pattern.compile("^\\..+\\.([0-9]+)-[0-9a-z]+\\.tmp$");
  private static final int MAX_LINKS = 40;
  private static final Set<Path> IN_FLIGHT = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> IN_FLIGHT.forEach(p -> p.toFile().delete()),
        "tfgraph-temp-cleanup"));
  }

  /** Writes the bytes a {@link Body} produces. */
  @FunctionalInterface
  public interface Body {
    /**
     * @param out the stream to the file
     * @throws IOException if the stream fails
     */
    void write(OutputStream out) throws IOException;
  }

  private OutputFiles() {}

  /**
   * Writes bytes atomically.
   * @param target the file written
   * @param bytes its new content
   * @throws IOException if the file cannot be written
   * @throws dev.tfgraph.graph.BadInputException if target is a folder
   */
  public static void write(Path target, byte[] bytes) throws IOException {
    write(target, out -> out.write(bytes));
  }

  /**
   * Temp file in the target's folder, the body, fsync, atomic rename over the target, fsync of the folder.
   * @param target the file written
   * @param body what writes its content
   * @throws IOException if the file cannot be written (the target is then unchanged)
   * @throws dev.tfgraph.graph.BadInputException if target is a folder
   */
  public static void write(Path target, Body body) throws IOException {
    Path file = realTarget(target);
    if (Files.isDirectory(file)) throw new BadInputException(target + " is a folder, expected a file name");
    if (Files.exists(file) && !Files.isRegularFile(file)) {   // a device or a pipe: no temporary file, no rename
      try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.WRITE), 1 << 16)) {
        body.write(out);
      }
      return;
    }
    Path dir = file.getParent();
    Files.createDirectories(dir);
    Set<PosixFilePermission> keep = Files.exists(file) ? permissions(file) : null;
    Path tmp = dir.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + "-"
        + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36) + ".tmp");
    IN_FLIGHT.add(tmp);
    try {
      // no file attributes: the mode is 0666 & ~umask, as for any program's new file
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          OutputStream out = new java.io.BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
        body.write(out);
        out.flush();
        if (keep != null) Files.getFileAttributeView(tmp, PosixFileAttributeView.class).setPermissions(keep);
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      fsyncFolder(dir);
    } finally {
      Files.deleteIfExists(tmp);
      IN_FLIGHT.remove(tmp);
    }
  }

  /**
   * The path a write to {@code target} replaces: the final target of a chain of symbolic links, absolute.
   * @param target a path, existing or not
   * @return the path written
   * @throws IOException if a link cannot be read
   */
  public static Path realTarget(Path target) throws IOException {
    Path p = target.toAbsolutePath().normalize();
    for (int i = 0; Files.isSymbolicLink(p); i++) {
      if (i == MAX_LINKS) throw new BadInputException(target + ": too many levels of symbolic links");
      p = p.resolveSibling(Files.readSymbolicLink(p)).normalize();
    }
    Path existing = p.getParent();
    while (existing != null && !Files.exists(existing)) existing = existing.getParent();
    return existing == null ? p : existing.toRealPath().resolve(existing.relativize(p));
  }

  /**
   * Refuses (bad input) an output that is the same file as one of the inputs, or that lies inside
   * the model folder being read: writing it would destroy what the command reads.
   *
   * @param option the option that names the output, as the message names it (e.g. "output")
   * @param modelDir the model folder read (may be null)
   * @param output the output path
   * @param inputs the input files read (null entries are passed over)
   * @throws dev.tfgraph.graph.BadInputException if the output is an input, lies inside the model folder, or
   *     cannot be checked
   */
  public static void checkNotInput(Path output, String option, Path modelDir, Path... inputs) {
    try {
      Path out = realTarget(output);
      if (modelDir != null && Files.isDirectory(modelDir) && out.startsWith(modelDir.toRealPath())) {
        throw new BadInputException(option + " " + output + " lies inside the model folder " + modelDir
            + " being read; expected a path outside it");
      }
      for (Path in : inputs) {
        if (in != null && Files.exists(out) && Files.exists(in) && Files.isSameFile(out, in)) {
          throw new BadInputException(option + " " + output + " is the same file as the input " + in
              + "; expected another path (the input would be overwritten)");
        }
      }
    } catch (IOException e) {
      throw new BadInputException(option + " " + output + ": cannot check the path (" + e.getMessage() + ")");
    }
  }

  /**
   * Whether {@code p} is a temporary file of this naming whose writer process is gone.
   * @param p a path
   * @return true if it is such a leftover
   */
  public static boolean isLeftover(Path p) {
    Matcher m = TEMP.matcher(p.getFileName().toString());
    if (!m.matches() || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) return false;
    if (IN_FLIGHT.stream().anyMatch(q -> q.getFileName().equals(p.getFileName()))) return false;
    try {
      long pid = Long.parseLong(m.group(1));
      return pid == ProcessHandle.current().pid() || ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
    } catch (NumberFormatException e) {
      return true;
    }
  }

  private static Set<PosixFilePermission> permissions(Path file) throws IOException {
    try {
      return Files.getPosixFilePermissions(file);
    } catch (UnsupportedOperationException e) {
      return null;
    }
  }

  private static void fsyncFolder(Path dir) {
    try {
      sync(dir);
    } catch (IOException e) {
      // cannot happen for a folder (refusals are ignored there); the rename itself is atomic
    }
  }

  /**
   * Flushes a file, or a folder's entries, to the disk. Some file systems refuse to open folders for
   * sync: a folder that cannot be synced is skipped; a file that cannot be is an error.
   * @param p a file or a folder
   * @throws IOException if a file cannot be synced
   */
  public static void sync(Path p) throws IOException {
    boolean dir = Files.isDirectory(p);
    try (FileChannel ch = FileChannel.open(p, dir ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
      ch.force(true);
    } catch (IOException e) {
      if (!dir) throw e;
    }
  }

  /**
   * {@link #sync} of every file and folder under {@code dir} (a folder written in full before it is renamed
   * into place).
   * @param dir the folder
   * @throws IOException if a file under it cannot be synced
   */
  public static void syncTree(Path dir) throws IOException {
    try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) sync(p);
    }
  }
}
