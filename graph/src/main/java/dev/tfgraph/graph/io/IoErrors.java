package dev.tfgraph.graph.io;

import dev.tfgraph.graph.BadInputException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * What went wrong in an {@link IOException}, in words. The JDK's file-system exceptions carry only
 * the path as their message ({@code NoSuchFileException: spec.json}), so "cannot read spec.json: "
 * + getMessage() says the path twice and never what is wrong with it.
 */
public final class IoErrors {
  private IoErrors() {}

  /**
   * The reason, without repeating {@code subject} (the path the caller's message already names);
   * another path the exception is about (a missing parent, a file in the way) is named.
   * @param subject the path the caller names
   * @param e what went wrong
   * @return the reason, e.g. "no such file or folder" or "permission denied"
   */
  public static String describe(Path subject, IOException e) {
    if (!(e instanceof FileSystemException f)) {
      String m = e.getMessage();
      return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
    String file = f.getFile();
    String reason;
    if (e instanceof NoSuchFileException) {
      reason = "no such file or folder";
    } else if (e instanceof FileAlreadyExistsException) {
      reason = file != null && dangling(Path.of(file)) ? "a symbolic link to " + target(Path.of(file)) + ", which does not exist"
          : file != null && Files.isRegularFile(Path.of(file)) ? "a file is in the way, expected a folder or nothing" : "already exists";
    } else if (e instanceof NotDirectoryException) {
      reason = "not a folder";
    } else if (e instanceof AccessDeniedException) {
      reason = "permission denied";
    } else if (e instanceof DirectoryNotEmptyException) {
      reason = "folder not empty";
    } else if (f.getReason() != null) {
      reason = f.getReason().equals("Not a directory") ? "not a folder (a file is in the way)" : lower(f.getReason());
    } else {
      reason = e.getClass().getSimpleName();
    }
    if (f.getOtherFile() != null) reason += " (" + f.getOtherFile() + ")";
    boolean same = file == null || subject != null && (file.equals(subject.toString())
        || Path.of(file).toAbsolutePath().normalize().equals(subject.toAbsolutePath().normalize()));
    return same ? reason : file + ": " + reason;
  }

  /** A symbolic link whose target is missing: createDirectories and friends call it "already exists". */
  static boolean dangling(Path p) {
    return Files.isSymbolicLink(p) && !Files.exists(p);
  }

  private static String target(Path link) {
    try {
      return Files.readSymbolicLink(link).toString();
    } catch (IOException e) {
      return "a missing file";
    }
  }

  /**
   * Bad input unless {@code file} is a regular file, checked before it is opened: /dev/zero never
   * ends, opening a FIFO waits for a writer, and neither "does not exist". The message starts with
   * {@code what} (the file, or what it is for): "no such file or folder" (or another reason the
   * path cannot be followed), "is a folder", or "not a regular file (a device or a pipe)", then
   * {@code expected} when given.
   * @param file the file
   * @param what the start of the message
   * @param expected added to the message when not null, e.g. "expected a .npy file"
   * @throws dev.tfgraph.graph.BadInputException if it is not a regular file
   */
  public static void requireRegularFile(Path file, String what, String expected) {
    java.nio.file.attribute.BasicFileAttributes a;
    try {
      a = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
    } catch (IOException e) {
      throw new BadInputException(what + ": " + describe(file, e), e);     // "no such file or folder", "not a folder (a file is in the way)"
    }
    if (a.isRegularFile()) return;
    if (a.isDirectory()) throw new BadInputException(what + ": is a folder" + (expected == null ? ", not a file" : ", expected " + expected));
    throw new BadInputException(what + ": not a regular file (a device or a pipe)" + (expected == null ? "" : "; expected " + expected));
  }

  private static String lower(String s) {
    return s.length() > 1 && Character.isUpperCase(s.charAt(0)) && Character.isLowerCase(s.charAt(1))
        ? Character.toLowerCase(s.charAt(0)) + s.substring(1) : s;
  }
}
