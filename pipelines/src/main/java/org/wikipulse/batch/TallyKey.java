package org.wikipulse.batch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import javax.annotation.Nullable;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.util.VarInt;

/**
 * The key of one tally in {@link TallyViews}' single aggregation: which view it belongs to and that
 * view's own key (an hour, a contributor, a language and project, a server, a server and user pair,
 * or one of the run's counts). One key type lets one {@code Combine.perKey} serve all five views.
 */
public final class TallyKey {
  /** The views (and the run's counts) that {@link TallyViews} tallies in one pass. */
  public enum View {
    /** number = hour bucket (epoch millis). */
    HOUR,
    /** a = user name, number = 1 for a bot, 0 for a human. */
    CONTRIBUTOR,
    /** a = language, b = project. */
    LANGUAGE,
    /** a = server_name, b = language, c = project. */
    SERVER,
    /** a = server_name, b = user name: one distinct pair. */
    SERVER_USER,
    /** a = the name of one of the run's counts ({@link TallyViews#READ} ...). */
    COUNT
  }

  private static final View[] VIEWS = View.values();

  final View view;
  final long number;
  final @Nullable String a;
  final @Nullable String b;
  final @Nullable String c;

  TallyKey(View view, long number, @Nullable String a, @Nullable String b, @Nullable String c) {
    this.view = view;
    this.number = number;
    this.a = a;
    this.b = b;
    this.c = c;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof TallyKey k
        && view == k.view
        && number == k.number
        && Objects.equals(a, k.a)
        && Objects.equals(b, k.b)
        && Objects.equals(c, k.c);
  }

  @Override
  public int hashCode() {
    int h = view.ordinal();
    h = 31 * h + Long.hashCode(number);
    h = 31 * h + Objects.hashCode(a);
    h = 31 * h + Objects.hashCode(b);
    return 31 * h + Objects.hashCode(c);
  }

  @Override
  public String toString() {
    return view + "(" + number + ", " + a + ", " + b + ", " + c + ")";
  }

  /** The view, the number, then the three nullable strings behind a presence bit each. */
  public static final class KeyCoder extends AtomicCoder<TallyKey> {
    private static final KeyCoder INSTANCE = new KeyCoder();
    private static final StringUtf8Coder STRING = StringUtf8Coder.of();

    public static KeyCoder of() {
      return INSTANCE;
    }

    @Override
    public void encode(TallyKey k, OutputStream out) throws IOException {
      int present = (k.a != null ? 1 : 0) | (k.b != null ? 2 : 0) | (k.c != null ? 4 : 0);
      out.write(k.view.ordinal() << 3 | present);
      VarInt.encode(k.number, out);
      for (String s : new String[] {k.a, k.b, k.c}) {
        if (s != null) {
          STRING.encode(s, out);
        }
      }
    }

    @Override
    public TallyKey decode(InputStream in) throws IOException {
      int head = in.read();
      if (head < 0 || (head >> 3) >= VIEWS.length) {
        throw new CoderException("not a tally key (head byte " + head + ")");
      }
      long number = VarInt.decodeLong(in);
      String a = (head & 1) != 0 ? STRING.decode(in) : null;
      String b = (head & 2) != 0 ? STRING.decode(in) : null;
      String c = (head & 4) != 0 ? STRING.decode(in) : null;
      return new TallyKey(VIEWS[head >> 3], number, a, b, c);
    }

    /** Deterministic: equal keys encode to equal bytes, as {@code Combine.perKey} needs. */
    @Override
    public void verifyDeterministic() {}
  }
}
