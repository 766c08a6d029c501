package org.wikipulse.batch;

import java.io.Serializable;
import java.util.Comparator;
import javax.annotation.Nullable;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.Top;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.wikipulse.model.WikiEvent;

/**
 * View 3, {@code historical_top_contributors}: per (user name, is_bot), the number of events, the
 * bytes they changed and the pages created ({@code type = new}); the top {@code n} (100) by event
 * count, ties broken by user name (code point order, see {@link CodePointOrder}), then humans
 * before bots. Events without a user name have no contributor and are not counted here.
 */
public class TopContributors extends PTransform<PCollection<WikiEvent>, PCollection<TopContributors.Contributor>> {
  public static final int DEFAULT_SIZE = 100;
  private final int size;

  public TopContributors() {
    this(DEFAULT_SIZE);
  }

  public TopContributors(int size) {
    this.size = size;
  }

  /** One row of {@code historical_top_contributors}. */
  public record Contributor(
      String userName, boolean isBot, long editCount, long totalBytes, long pagesCreated)
      implements Serializable {}

  /** Best first: most events, then user name in code point order, then humans before bots. */
  public static final class RankOrder implements Comparator<Contributor>, Serializable {
    @Override
    public int compare(Contributor a, Contributor b) {
      int c = Long.compare(b.editCount(), a.editCount());
      if (c == 0) {
        c = CodePointOrder.INSTANCE.compare(a.userName(), b.userName());
      }
      return c != 0 ? c : Boolean.compare(a.isBot(), b.isBot());
    }
  }

  /** {@link Top} keeps the greatest elements: the greatest here are the first in rank order. */
  static final class ReverseRankOrder implements Comparator<Contributor>, Serializable {
    private final RankOrder rank = new RankOrder();

    @Override
    public int compare(Contributor a, Contributor b) {
      return rank.compare(b, a);
    }
  }

  /** The (user name, is_bot) an event counts under, or null for an event without a user name. */
  public static @Nullable KV<String, Boolean> contributorOf(WikiEvent e) {
    return e.user == null ? null : KV.of(e.user, e.isBot);
  }

  @Override
  public PCollection<Contributor> expand(PCollection<WikiEvent> events) {
    return events
        .apply("HasUser", Filter.by((WikiEvent e) -> contributorOf(e) != null))
        .apply(
            "KeyByUserAndBot",
            WithKeys.<KV<String, Boolean>, WikiEvent>of(TopContributors::contributorOf)
                .withKeyType(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.booleans())))
        .apply("TallyContributor", Combine.perKey(new EventTally.TallyFn()))
        .apply("RankContributors", fromTallies());
  }

  /** The top rows from each contributor's tally. */
  public FromTallies fromTallies() {
    return new FromTallies(size);
  }

  /** View 3's rows: the first {@code size} contributors in {@link RankOrder} from their tallies. */
  public static class FromTallies
      extends PTransform<PCollection<KV<KV<String, Boolean>, EventTally>>, PCollection<Contributor>> {
    private final int size;

    FromTallies(int size) {
      this.size = size;
    }

    @Override
    public PCollection<Contributor> expand(PCollection<KV<KV<String, Boolean>, EventTally>> tallies) {
      return tallies
          .apply(
              "ToContributor",
              MapElements.into(TypeDescriptor.of(Contributor.class))
                  .via(
                      (KV<KV<String, Boolean>, EventTally> c) ->
                          new Contributor(
                              c.getKey().getKey(),
                              c.getKey().getValue(),
                              c.getValue().events,
                              c.getValue().bytes,
                              c.getValue().newPages)))
          .setCoder(SerializableCoder.of(Contributor.class))
          .apply("KeepTop", Top.of(size, new ReverseRankOrder()))
          .apply("ToRows", Flatten.iterables());
    }
  }
}
