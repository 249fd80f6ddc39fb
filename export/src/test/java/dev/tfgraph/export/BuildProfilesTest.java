package dev.tfgraph.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The build profiles (-Plinux-x86_64, -Pgpu) are not built by the test command, so this reads the
 * parent POM: every profile dependency must have a version, its own or a managed one for the same
 * group, artifact and classifier (Maven does not apply a managed version to another classifier;
 * both profiles once failed at validation for that reason).
 */
class BuildProfilesTest {
  @Test
  void everyProfileDependencyHasAVersion() throws Exception {
    Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("..", "pom.xml").toFile());
    Set<String> managed = new HashSet<>();
    Element dm = (Element) pom.getElementsByTagName("dependencyManagement").item(0);
    NodeList md = dm.getElementsByTagName("dependency");
    for (int i = 0; i < md.getLength(); i++) {
      Element d = (Element) md.item(i);
      if (!text(d, "version").isEmpty()) managed.add(key(d));
    }
    List<String> missing = new ArrayList<>();
    NodeList profiles = pom.getElementsByTagName("profile");
    for (int p = 0; p < profiles.getLength(); p++) {
      Element profile = (Element) profiles.item(p);
      NodeList deps = profile.getElementsByTagName("dependency");
      for (int i = 0; i < deps.getLength(); i++) {
        Element d = (Element) deps.item(i);
        if (text(d, "version").isEmpty() && !managed.contains(key(d))) missing.add(text(profile, "id") + ": " + key(d));
      }
    }
    assertTrue(profiles.getLength() >= 3, "profiles platform, linux-x86_64, gpu");
    assertEquals(List.of(), missing, "profile dependencies without a version");
  }

  private static String key(Element d) {
    return text(d, "groupId") + ":" + text(d, "artifactId") + ":" + text(d, "classifier");
  }

  private static String text(Element e, String tag) {
    NodeList n = e.getElementsByTagName(tag);
    return n.getLength() == 0 ? "" : n.item(0).getTextContent().trim();
  }
}
