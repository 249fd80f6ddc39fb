package dev.tfgraph.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The test command runs every test under a Turkish default locale (surefire's argLine in the parent
 * pom): these assertions prove the trap is armed, so that a passing suite means locale-independent code.
 */
class LocaleTest {
  @Test
  void testsRunUnderATurkishDefaultLocale() {
    assertEquals("tr", Locale.getDefault().getLanguage(), "surefire's argLine sets -Duser.language=tr");
    assertEquals("VALİD", "valid".toUpperCase(Locale.getDefault()), "the dotted capital I that broke padding attrs");
  }
}
