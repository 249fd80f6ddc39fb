package dev.tfgraph.layers.h5;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.io.IoErrors;
import io.jhdf.HdfFile;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.links.ExternalLink;
import io.jhdf.links.SoftLink;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Opens an HDF5 weights file as untrusted input: every group is walked once, before any weight is
 * read, and the file is refused (bad input naming the object) when it
 *
 * <ul>
 *   <li>is shorter than its superblock says (truncated);
 *   <li>holds an <b>external link</b> (an object in a file the user never named; jHDF would open and
 *       read that file);
 *   <li>holds a dataset with <b>external storage</b> (raw data in other files) or a <b>virtual</b>
 *       dataset (data mapped from other files);
 *   <li>holds a <b>soft link</b> that leads back to itself or through more than {@value #MAX_SOFT_LINKS}
 *       soft links (HDF5's own bound), or a group that holds itself (a hard-link cycle), or groups
 *       nested deeper than {@value #MAX_DEPTH};
 *   <li>holds an object jHDF cannot read (named, with jHDF's reason).
 * </ul>
 *
 * In-file soft links that end somewhere are kept (jHDF follows them). The walk keeps its own stack,
 * so a hostile nesting never overflows the thread's.
 */
final class Hdf5Guard {
  static final int MAX_SOFT_LINKS = 16;
  static final int MAX_DEPTH = 64;

  private final HdfFile h5;
  private final Path file;
  private final Hdf5Children children;

  private Hdf5Guard(HdfFile h5, Path file) {
    this.h5 = h5;
    this.file = file;
    this.children = new Hdf5Children(h5, file);
  }

  /** The checked file, open; close it after use. */
  static HdfFile open(Path file, String expected) {
    IoErrors.requireRegularFile(file, file.toString(), expected);
    Hdf5Filters.install();
    HdfFile h5;
    try {
      h5 = new HdfFile(file);
    } catch (RuntimeException e) {
      throw new BadInputException(file + ": not an HDF5 file, or truncated or corrupt (" + reason(e) + "); expected " + expected, e);
    }
    try {
      new Hdf5Guard(h5, file).check();
      return h5;
    } catch (RuntimeException e) {
      h5.close();
      throw e;
    }
  }

  private void check() {
    var sb = h5.getHdfBackingStorage().getSuperblock();
    long end = sb.getBaseAddressByte() + sb.getEndOfFileAddress(), size = h5.size();
    if (sb.getEndOfFileAddress() < 0 || size < end) {
      throw new BadInputException(file + ": truncated HDF5 file: " + size + " bytes, its superblock says " + Long.toUnsignedString(end)
          + " (an interrupted download or copy?)");
    }
    record Item(Group group, int depth, List<Long> ancestors) {}
    Deque<Item> todo = new ArrayDeque<>();
    Set<Long> walked = new HashSet<>();
    todo.push(new Item(h5, 0, List.of(h5.getAddress())));
    walked.add(h5.getAddress());
    while (!todo.isEmpty()) {
      Item it = todo.pop();
      for (Node n : children.of(it.group()).values()) {
        if (n instanceof ExternalLink x) throw external(x);
        if (n instanceof SoftLink s) {
          resolve(s);
        } else if (n instanceof Group g) {
          long a = g.getAddress();
          if (it.ancestors().contains(a)) {
            throw new BadInputException(file + ": group " + path(g) + " is a hard link to " + (a == h5.getAddress() ? "the root group" : "a group that holds it")
                + " (a link cycle); tfgraph refuses HDF5 link cycles");
          }
          if (it.depth() + 1 > MAX_DEPTH) throw new BadInputException(file + ": groups nested deeper than " + MAX_DEPTH + " levels at " + path(g));
          if (walked.add(a)) {
            List<Long> anc = new ArrayList<>(it.ancestors());
            anc.add(a);
            todo.push(new Item(g, it.depth() + 1, anc));
          }
        }
      }
    }
  }

  /**
   * A soft link must end (at an object of this file, or nowhere) within MAX_SOFT_LINKS links,
   * counted as HDF5 counts them: each soft link followed, those inside a target path too.
   */
  private void resolve(SoftLink first) {
    follow(first, new ArrayList<>(), first);
  }

  /** {@code n} with soft links followed; null when a link leads nowhere. */
  private Node follow(Node n, List<String> trail, SoftLink first) {
    while (n instanceof SoftLink s) {
      trail.add(path(s));
      if (trail.size() > MAX_SOFT_LINKS) {
        int repeat = 0;   // the trail up to its first repeated link: the cycle
        for (Set<String> seen = new HashSet<>(); repeat < trail.size() && seen.add(trail.get(repeat)); ) repeat++;
        if (repeat < trail.size()) {
          throw new BadInputException(file + ": soft link " + path(first) + " leads back to itself ("
              + String.join(" -> ", trail.subList(0, repeat + 1)) + "); tfgraph refuses HDF5 link cycles");
        }
        throw new BadInputException(file + ": soft link " + path(first) + " goes through more than " + MAX_SOFT_LINKS + " soft links ("
            + String.join(" -> ", trail.subList(0, 3)) + " -> ...)");
      }
      n = lookup(s.getTargetPath().startsWith("/") ? h5 : s.getParent(), s.getTargetPath(), trail, first);
    }
    return n;
  }

  /** The object at {@code target} from {@code start}, one component at a time, soft links on the way followed. */
  private Node lookup(Group start, String target, List<String> trail, SoftLink first) {
    Node cur = start;
    for (String part : target.split("/")) {
      if (part.isEmpty() || part.equals(".")) continue;
      cur = follow(cur, trail, first);
      if (!(cur instanceof Group g)) return null;
      cur = children.of(g).get(part);
      if (cur == null) return null;
      if (cur instanceof ExternalLink x) throw external(x);
    }
    return cur;
  }

  private BadInputException external(ExternalLink x) {
    return new BadInputException(file + ": " + path(x) + " is an HDF5 external link to " + x.getTargetPath()
        + "; tfgraph reads no file but the one named, and refuses external links");
  }

  /** jHDF's path without its trailing slash ("/block1_conv1/" -> "/block1_conv1"), "/" for the root. */
  static String path(Node n) {
    String p = n.getPath();
    return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }

  /** The innermost message of a jHDF failure (the outer ones say only where it was reading). */
  static String reason(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }
}
