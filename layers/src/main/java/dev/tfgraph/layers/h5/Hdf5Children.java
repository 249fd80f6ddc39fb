package dev.tfgraph.layers.h5;

import dev.tfgraph.graph.BadInputException;
import io.jhdf.GroupSymbolTableNode;
import io.jhdf.HdfFile;
import io.jhdf.LocalHeap;
import io.jhdf.ObjectHeader;
import io.jhdf.SymbolTableEntry;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.btree.BTreeV1;
import io.jhdf.object.message.LinkMessage;
import io.jhdf.object.message.SymbolTableMessage;
import io.jhdf.storage.HdfBackingStorage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * The children of a group of an HDF5 file that {@link Hdf5Guard} walks: when jHDF cannot list them, the object
 * it cannot read is found by reading the object header of each of the group's hard links (old-style groups with
 * a symbol table, and compact new-style groups) and named in the refusal, with external storage and virtual
 * datasets told apart from a corrupt file.
 */
final class Hdf5Children {
  private final HdfFile h5;
  private final Path file;

  Hdf5Children(HdfFile h5, Path file) {
    this.h5 = h5;
    this.file = file;
  }

  /** {@code g}'s children; an object jHDF cannot read is bad input naming it (found by reading each child's header). */
  Map<String, Node> of(Group g) {
    try {
      return g.getChildren();
    } catch (RuntimeException e) {
      String name = unreadable(g), why = Hdf5Guard.reason(e);
      String dataset = name != null ? "dataset " + name : "a dataset in group " + Hdf5Guard.path(g);
      if (why.contains("External Data Files")) {
        throw new BadInputException(file + ": " + dataset + " has external storage (its data in other files); tfgraph refuses it", e);
      }
      if (why.contains("Virtual storage")) {
        throw new BadInputException(file + ": " + dataset + " is a virtual dataset (its data mapped from other files); tfgraph refuses it", e);
      }
      throw new BadInputException(file + ": " + (name != null ? name : "an object in group " + Hdf5Guard.path(g)) + " cannot be read (" + why
          + "): the file is corrupt, or holds what tfgraph's HDF5 reader (jHDF) does not support", e);
    }
  }

  /** The path of the first child of {@code g} whose object header cannot be read, or null. */
  private String unreadable(Group g) {
    try {
      HdfBackingStorage io = h5.getHdfBackingStorage();
      for (Map.Entry<String, Long> c : links(g).entrySet()) {
        try {
          ObjectHeader.readObjectHeader(io, c.getValue());
        } catch (RuntimeException bad) {
          return (Hdf5Guard.path(g).equals("/") ? "" : Hdf5Guard.path(g)) + "/" + c.getKey();
        }
      }
    } catch (RuntimeException ignored) {
      // the group's listing cannot be read either
    }
    return null;
  }

  /** Name -> object header address of a group's hard links: old-style groups (a symbol table) and compact new-style groups. */
  private Map<String, Long> links(Group g) {
    HdfBackingStorage io = h5.getHdfBackingStorage();
    ObjectHeader oh = ObjectHeader.readObjectHeader(io, g.getAddress());
    Map<String, Long> out = new java.util.LinkedHashMap<>();
    if (oh.hasMessageOfType(SymbolTableMessage.class)) {
      SymbolTableMessage st = oh.getMessageOfType(SymbolTableMessage.class);
      ByteBuffer heap = new LocalHeap(io, st.getLocalHeapAddress()).getDataBuffer();
      for (long node : BTreeV1.createGroupBTree(io, st.getBTreeAddress()).getChildAddresses()) {
        for (SymbolTableEntry e : new GroupSymbolTableNode(io, node).getSymbolTableEntries()) {
          out.put(cString(heap, e.getLinkNameOffset()), e.getObjectHeaderAddress());
        }
      }
    }
    for (LinkMessage l : oh.getMessagesOfType(LinkMessage.class)) {
      if (l.getLinkType() == LinkMessage.LinkType.HARD) out.put(l.getLinkName(), l.getHardLinkAddress());
    }
    return out;
  }

  private static String cString(ByteBuffer b, int at) {
    int end = at;
    while (end < b.limit() && b.get(end) != 0) end++;
    byte[] s = new byte[end - at];
    b.get(at, s);
    return new String(s, StandardCharsets.UTF_8);
  }
}
