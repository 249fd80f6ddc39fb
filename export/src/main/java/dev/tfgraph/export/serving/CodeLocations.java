package dev.tfgraph.export.serving;

import java.io.File;
import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The class path of a child JVM that runs {@link VerifyMain}, found from where tfgraph's and
 * TensorFlow's own code was loaded, not from {@code java.class.path}: that property belongs to
 * whoever started this JVM (Maven's launcher under {@code mvn exec:java}, an application
 * server, an IDE) and may not hold tfgraph at all. A fat jar is found as the one location of
 * every class; the natives are found as the jars that hold this platform's native libraries.
 */
final class CodeLocations {
  /** Classes whose code locations the child needs: tfgraph, TF-Java, JavaCPP, protobuf, Jackson. */
  private static final List<String> ANCHORS = List.of(
      "dev.tfgraph.export.serving.VerifyMain", "dev.tfgraph.graph.io.Npy",
      "org.tensorflow.SavedModelBundle", "org.tensorflow.internal.c_api.global.tensorflow",
      "org.tensorflow.ndarray.NdArray", "org.bytedeco.javacpp.Loader", "com.google.protobuf.Message",
      "com.fasterxml.jackson.databind.ObjectMapper", "com.fasterxml.jackson.core.JsonFactory",
      "com.fasterxml.jackson.annotation.JsonProperty");

  private CodeLocations() {}

  static String childClassPath() {
    ClassLoader loader = CodeLocations.class.getClassLoader();
    Set<String> entries = new LinkedHashSet<>();
    for (String name : ANCHORS) {
      try {
        add(entries, Class.forName(name, false, loader).getProtectionDomain().getCodeSource());
      } catch (ClassNotFoundException | SecurityException e) {
        // not on this class path: the child reports what it misses
      }
    }
    String platform = org.bytedeco.javacpp.Loader.getPlatform();
    for (String dir : List.of("org/tensorflow/internal/c_api/" + platform + "/", "org/bytedeco/javacpp/" + platform + "/")) {
      try {
        for (URL u : Collections.list(loader.getResources(dir))) add(entries, u);
      } catch (IOException e) {
        // no natives found here: the child falls back to the entries below
      }
    }
    if (loader instanceof URLClassLoader u) {
      for (URL url : u.getURLs()) add(entries, url);
    }
    for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      if (!e.isEmpty()) entries.add(e);
    }
    return String.join(File.pathSeparator, entries);
  }

  private static void add(Set<String> entries, CodeSource source) {
    if (source != null && source.getLocation() != null) add(entries, source.getLocation());
  }

  /** A file: URL, or the jar of a jar: URL (nested jars of Spring-style fat jars are not files). */
  private static void add(Set<String> entries, URL url) {
    try {
      if ("jar".equals(url.getProtocol())) url = ((JarURLConnection) url.openConnection()).getJarFileURL();
      if ("file".equals(url.getProtocol())) entries.add(Path.of(url.toURI()).toString());
    } catch (IOException | URISyntaxException | IllegalArgumentException | ClassCastException e) {
      // not a local file: skipped
    }
  }
}
