package org.wikipulse.model;

/** How big an edit is, by bytes changed: Major above 1000, Moderate above 100, otherwise Minor. */
public enum EditSeverity {
  MAJOR,
  MODERATE,
  MINOR;

  public static final long MAJOR_ABOVE_BYTES = 1000;
  public static final long MODERATE_ABOVE_BYTES = 100;

  public static EditSeverity of(long bytesChanged) {
    if (bytesChanged > MAJOR_ABOVE_BYTES) {
      return MAJOR;
    }
    return bytesChanged > MODERATE_ABOVE_BYTES ? MODERATE : MINOR;
  }

  /** The label shown to people: Major, Moderate, Minor. */
  public String label() {
    String n = name();
    return n.charAt(0) + n.substring(1).toLowerCase(java.util.Locale.ROOT);
  }
}
