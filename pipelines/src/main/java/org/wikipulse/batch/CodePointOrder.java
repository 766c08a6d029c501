package org.wikipulse.batch;

import java.io.Serializable;
import java.util.Comparator;

/**
 * Orders strings by Unicode code point, which is the byte order of their UTF-8 and PostgreSQL's
 * {@code COLLATE "C"}: the tie-break order of names in the rankings, independent of any locale.
 * ({@link String#compareTo} compares UTF-16 units, which puts characters above U+FFFF before
 * U+E000..U+FFFF.)
 */
public final class CodePointOrder implements Comparator<String>, Serializable {
  public static final CodePointOrder INSTANCE = new CodePointOrder();

  private CodePointOrder() {}

  @Override
  public int compare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  }

  private Object readResolve() {
    return INSTANCE;
  }
}
