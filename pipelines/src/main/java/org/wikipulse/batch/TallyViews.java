package org.wikipulse.batch;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.wikipulse.model.WikiEvent;
import org.wikipulse.transforms.FilterNoise;

/**
 * The batch layer's one pass over the events read from the lake: groups them by a 64-bit hash of
 * {@code event_id}, keeps one event per id ({@link DeduplicateById#onePerId}), drops noise by the
 * same rules and counters as the speed layer ({@link FilterNoise.NoiseRules}), and tallies every kept event under the key of
 * each view at once ({@link TallyKey}): one shuffle of the events and one {@code Combine.perKey} for
 * all five views and the run's counts, whose output is small (one tally per hour, contributor,
 * language, server and server/user pair) and is then split by view.
 *
 * <p>Why one pass: as five separate aggregations (and three counts) of the de-duplicated events,
 * the runner had to keep those events (cached on Spark) and read them again for each, and the
 * de-duplication shuffle sorted ~40-byte id keys; on 1 M events that was most of the run (see
 * runners/spark/README.md). The key of each view is still defined once, in its view class, and
 * each view's rows are still computed from its tallies by the view ({@code fromTallies}).
 *
 * <p>Inside a bundle the tallies are summed in memory before they are emitted (at most {@link
 * #MAX_BUNDLE_KEYS} keys, then flushed), so the combine sees one tally per key per bundle rather
 * than one per event and view.
 */
public class TallyViews extends PTransform<PCollection<WikiEvent>, PCollectionTuple> {
  /** Events per hour bucket: views 1 and 2. */
  public static final TupleTag<KV<Long, EventTally>> HOURS = new TupleTag<>() {};
  /** Events per (user name, is_bot): view 3. */
  public static final TupleTag<KV<KV<String, Boolean>, EventTally>> CONTRIBUTORS = new TupleTag<>() {};
  /** Events per (language, project): view 4. */
  public static final TupleTag<KV<KV<String, String>, EventTally>> LANGUAGES = new TupleTag<>() {};
  /** Events per (server_name, (language, project)): view 5. */
  public static final TupleTag<KV<KV<String, KV<String, String>>, EventTally>> SERVERS = new TupleTag<>() {};
  /** Each distinct (server_name, user name) pair once: view 5's unique users. */
  public static final TupleTag<KV<String, String>> SERVER_USERS = new TupleTag<>() {};
  /** The run's counts by name: {@link #READ}, {@link #DISTINCT}, {@link #KEPT}. */
  public static final TupleTag<KV<String, Long>> COUNTS = new TupleTag<>() {};

  /** Events read (repeats included). */
  public static final String READ = "read";
  /** Distinct event ids among them. */
  public static final String DISTINCT = "distinct";
  /** Distinct events kept by the noise rules: the events the views count. */
  public static final String KEPT = "kept";

  static final int MAX_BUNDLE_KEYS = 50_000;

  @Override
  public PCollectionTuple expand(PCollection<WikiEvent> events) {
    PCollectionTuple byView =
        events
        .apply("GroupById", new DeduplicateById.GroupById())
        .apply("KeepOnePerIdAndTally", ParDo.of(new TallyFn()))
        .setCoder(KvCoder.of(TallyKey.KeyCoder.of(), EventTally.TallyCoder.of()))
        .apply("MergeTallies", Combine.perKey(new MergeTalliesFn()))
        .apply(
            "SplitByView",
            ParDo.of(new SplitFn())
                .withOutputTags(
                    HOURS,
                    TupleTagList.of(CONTRIBUTORS)
                        .and(LANGUAGES)
                        .and(SERVERS)
                        .and(SERVER_USERS)
                        .and(COUNTS)));
    return withCoders(byView);
  }

  /**
   * De-duplicates one group of events that share an id hash, applies the noise rules, and adds each
   * kept event to the tally of its key in every view; emits the bundle's tallies at its end.
   */
  static class TallyFn extends DoFn<KV<Long, Iterable<WikiEvent>>, KV<TallyKey, EventTally>> {
    private final FilterNoise.NoiseRules noise = new FilterNoise.NoiseRules();
    private transient Map<TallyKey, EventTally> tallies;

    @StartBundle
    public void startBundle() {
      tallies = new HashMap<>();
    }

    @ProcessElement
    public void processElement(
        @Element KV<Long, Iterable<WikiEvent>> group, OutputReceiver<KV<TallyKey, EventTally>> out) {
      long read = 0;
      for (WikiEvent ignored : group.getValue()) {
        read++;
      }
      List<WikiEvent> distinct = DeduplicateById.onePerId(group.getValue());
      count(READ, read);
      count(DISTINCT, distinct.size());
      for (WikiEvent e : distinct) {
        if (!noise.keep(e)) {
          continue;
        }
        count(KEPT, 1);
        add(new TallyKey(TallyKey.View.HOUR, HourlyPatterns.hourOf(e), null, null, null), e);
        KV<String, Boolean> contributor = TopContributors.contributorOf(e);
        if (contributor != null) {
          add(
              new TallyKey(
                  TallyKey.View.CONTRIBUTOR, contributor.getValue() ? 1 : 0, contributor.getKey(), null, null),
              e);
        }
        KV<String, String> language = LanguageDistribution.languageOf(e);
        add(new TallyKey(TallyKey.View.LANGUAGE, 0, language.getKey(), language.getValue(), null), e);
        KV<String, KV<String, String>> server = ServerRankings.serverOf(e);
        add(
            new TallyKey(
                TallyKey.View.SERVER,
                0,
                server.getKey(),
                server.getValue().getKey(),
                server.getValue().getValue()),
            e);
        KV<String, String> serverUser = ServerRankings.serverUserOf(e);
        if (serverUser != null) {
          add(
              new TallyKey(TallyKey.View.SERVER_USER, 0, serverUser.getKey(), serverUser.getValue(), null),
              e);
        }
      }
      if (tallies.size() >= MAX_BUNDLE_KEYS) {
        flush(out::output);
      }
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext c) {
      flush(kv -> c.output(kv, GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE));
    }

    private void add(TallyKey key, WikiEvent e) {
      tallies.computeIfAbsent(key, k -> new EventTally()).add(e);
    }

    private void count(String name, long n) {
      tallies.computeIfAbsent(new TallyKey(TallyKey.View.COUNT, 0, name, null, null), k -> new EventTally())
          .events += n;
    }

    private void flush(java.util.function.Consumer<KV<TallyKey, EventTally>> out) {
      tallies.forEach((k, t) -> out.accept(KV.of(k, t)));
      tallies = new HashMap<>();
    }
  }

  /** Sums tallies; lifted before the shuffle, so only one tally per key and worker moves. */
  static class MergeTalliesFn extends Combine.BinaryCombineFn<EventTally> {
    @Override
    public EventTally apply(EventTally left, EventTally right) {
      return new EventTally().merge(left).merge(right);
    }

    @Override
    public EventTally identity() {
      return new EventTally();
    }
  }

  /** Routes each key's total to its view's output, in that view's key type. */
  static class SplitFn extends DoFn<KV<TallyKey, EventTally>, KV<Long, EventTally>> {
    @ProcessElement
    public void processElement(@Element KV<TallyKey, EventTally> kv, MultiOutputReceiver out) {
      TallyKey k = kv.getKey();
      EventTally t = kv.getValue();
      switch (k.view) {
        case HOUR -> out.get(HOURS).output(KV.of(k.number, t));
        case CONTRIBUTOR -> out.get(CONTRIBUTORS).output(KV.of(KV.of(k.a, k.number == 1), t));
        case LANGUAGE -> out.get(LANGUAGES).output(KV.of(KV.of(k.a, k.b), t));
        case SERVER -> out.get(SERVERS).output(KV.of(KV.of(k.a, KV.of(k.b, k.c)), t));
        case SERVER_USER -> out.get(SERVER_USERS).output(KV.of(k.a, k.b));
        case COUNT -> out.get(COUNTS).output(KV.of(k.a, t.events));
      }
    }
  }

  /** The coders of the outputs, set explicitly (type inference cannot see through the tags). */
  static PCollectionTuple withCoders(PCollectionTuple t) {
    KvCoder<String, String> pair = KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of());
    t.get(HOURS).setCoder(KvCoder.of(VarLongCoder.of(), EventTally.TallyCoder.of()));
    t.get(CONTRIBUTORS)
        .setCoder(KvCoder.of(KvCoder.of(StringUtf8Coder.of(), BooleanCoder.of()), EventTally.TallyCoder.of()));
    t.get(LANGUAGES).setCoder(KvCoder.of(pair, EventTally.TallyCoder.of()));
    t.get(SERVERS).setCoder(KvCoder.of(KvCoder.of(StringUtf8Coder.of(), pair), EventTally.TallyCoder.of()));
    t.get(SERVER_USERS).setCoder(pair);
    t.get(COUNTS).setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()));
    return t;
  }
}
