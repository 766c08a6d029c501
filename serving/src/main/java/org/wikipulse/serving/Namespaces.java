package org.wikipulse.serving;

import java.util.Map;

/**
 * The canonical English names of MediaWiki namespace numbers (Manual:Namespace, and the extension
 * namespaces common on Wikimedia wikis). The event carries the number, which is exact; a wiki's
 * localised name varies, so the number is shown with this canonical name, or "Namespace N".
 */
final class Namespaces {
  private static final Map<Long, String> NAMES =
      Map.ofEntries(
          Map.entry(-2L, "Media"),
          Map.entry(-1L, "Special"),
          Map.entry(0L, "Main"),
          Map.entry(1L, "Talk"),
          Map.entry(2L, "User"),
          Map.entry(3L, "User talk"),
          Map.entry(4L, "Project"),
          Map.entry(5L, "Project talk"),
          Map.entry(6L, "File"),
          Map.entry(7L, "File talk"),
          Map.entry(8L, "MediaWiki"),
          Map.entry(9L, "MediaWiki talk"),
          Map.entry(10L, "Template"),
          Map.entry(11L, "Template talk"),
          Map.entry(12L, "Help"),
          Map.entry(13L, "Help talk"),
          Map.entry(14L, "Category"),
          Map.entry(15L, "Category talk"),
          Map.entry(100L, "Portal"),
          Map.entry(101L, "Portal talk"),
          Map.entry(118L, "Draft"),
          Map.entry(119L, "Draft talk"),
          Map.entry(120L, "Property"),
          Map.entry(121L, "Property talk"),
          Map.entry(146L, "Lexeme"),
          Map.entry(147L, "Lexeme talk"),
          Map.entry(640L, "EntitySchema"),
          Map.entry(828L, "Module"),
          Map.entry(829L, "Module talk"),
          Map.entry(1198L, "Translations"),
          Map.entry(2300L, "Gadget"),
          Map.entry(2302L, "Gadget definition"),
          Map.entry(2600L, "Topic"));

  private Namespaces() {}

  static String name(Long namespace) {
    if (namespace == null) {
      return "Unknown";
    }
    return NAMES.getOrDefault(namespace, "Namespace " + namespace);
  }
}
