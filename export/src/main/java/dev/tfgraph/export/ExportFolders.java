package dev.tfgraph.export;

import dev.tfgraph.export.serving.ModelDirs;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.RunFailedException;
import dev.tfgraph.graph.io.OutputFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The folders an {@link Exporter} works in: the staging folders (named per process, cleaned when their
 * process is gone), the version a verified export is published as (never over one that exists), and
 * the removal of the parent folders a failed export created.
 */
final class ExportFolders {
  /** {@code .tfgraph-staging-<version>-<pid>[-<n>][.verify]}: the pid of the exporting process. */
  private static final Pattern STAGING = Pattern.compile(Pattern.quote(ModelDirs.STAGING_PREFIX) + "[0-9]+-([0-9]{1,18})(-[0-9]+)?(\\..*)?");
  static final AtomicLong SEQUENCE = new AtomicLong();
  /** Staging names of exports running in this process. */
  static final Set<String> ACTIVE = ConcurrentHashMap.newKeySet();

  private ExportFolders() {}

  /** One more than the highest version present. */
  static int nextVersion(Path base) {
    int h = ModelDirs.highestVersion(base);
    if (h == Integer.MAX_VALUE) {
      throw new BadInputException(base + " already holds version " + h + ", the highest version tfgraph numbers "
          + "(a 32-bit integer); give an explicit lower version that is free, or export to another folder");
    }
    return h + 1;
  }

  /**
   * Renames the verified staging folder to {@code BASE/<v>}, never over a version that appeared
   * meanwhile (another export won the race): an automatic version takes the next free number, an
   * explicit one fails. On Linux, renaming onto a non-empty folder fails with "Directory not
   * empty", not FileAlreadyExistsException: the target's existence decides.
   *
   * @return the version published
   */
  static int publish(Path staging, Path base, int v, boolean automatic) throws IOException {
    for (int attempt = 0; ; attempt++) {
      Path target = base.resolve(Integer.toString(v));
      if (ModelDirs.folderOfVersion(base, v) == null && moved(staging, target)) {
        OutputFiles.sync(base);
        return v;
      }
      if (!automatic) {
        throw new BadInputException("version " + v + " appeared in " + base + " during the export; not overwritten");
      }
      if (attempt == 1000) throw new RunFailedException("no free version in " + base + " after " + attempt + " tries; no version was written");
      if (v == Integer.MAX_VALUE) nextVersion(base);   // throws: nothing above
      v = Math.max(v + 1, nextVersion(base));
    }
  }

  /** Renames; false if the target appeared meanwhile (the rename failed and the target is there). */
  private static boolean moved(Path staging, Path target) throws IOException {
    try {
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      return true;
    } catch (IOException e) {
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) return false;
      throw e;
    }
  }

  /** The outermost folder of {@code dir} that does not exist yet (what creating it creates), or null. */
  static Path firstMissing(Path dir) {
    Path missing = null;
    for (Path p = dir.toAbsolutePath().normalize(); p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS); p = p.getParent()) {
      missing = p;
    }
    return missing;
  }

  /** Removes {@code dir} and its parents up to {@code top} while they are empty (what a failed export created). */
  static void removeEmpty(Path dir, Path top) {
    for (Path p = dir.toAbsolutePath().normalize(); p != null && p.startsWith(top); p = p.getParent()) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        return;   // not empty: someone else's files are there
      }
    }
  }

  /**
   * Removes staging folders (and their ".verify" work folders) left by dead processes; a live
   * exporter's are left alone, this process's own by name (a container's pid repeats across runs).
   */
  static void cleanStaging(Path base) {
    try (Stream<Path> s = Files.list(base)) {
      s.filter(p -> p.getFileName().toString().startsWith(ModelDirs.STAGING_PREFIX)).forEach(p -> {
        String n = p.getFileName().toString();
        Matcher m = STAGING.matcher(n);
        long pid = m.matches() ? Long.parseLong(m.group(1)) : -1;
        boolean alive = pid == ProcessHandle.current().pid() ? ACTIVE.stream().anyMatch(a -> n.equals(a) || n.startsWith(a + "."))
            : pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        if (!alive) deleteTree(p);
      });
    } catch (IOException e) {
      // listing failed: leftovers stay, and are ignored by every reader (not a version name)
    }
  }

  static void deleteTree(Path p) {
    if (!Files.exists(p)) return;
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(q -> q.toFile().delete());
    } catch (IOException ignored) {
      // best effort; a leftover staging folder is never read as a version
    }
  }
}