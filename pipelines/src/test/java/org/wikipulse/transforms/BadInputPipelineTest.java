package org.wikipulse.transforms;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.junit.Rule;
import org.junit.Test;
import org.wikipulse.model.DropReason;
import org.wikipulse.model.FailedRecord;
import org.wikipulse.model.RawRecord;
import org.wikipulse.model.WikiEvent;
import org.wikipulse.speed.DeduplicateEvents;
import org.wikipulse.testing.BadInputCorpus;
import org.wikipulse.testing.BadInputCorpus.Case;
import org.wikipulse.testing.BadInputCorpus.Outcome;

/**
 * The whole bad-input corpus through the speed layer's own parse, filter and de-duplicate
 * transforms in one pipeline: every dead letter carries its record's reason, the unique kept ids
 * are exactly the corpus's, and read = unique + repeats + filtered (per reason) + dead-lettered.
 */
public class BadInputPipelineTest {

  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  @Test
  public void everyRecordIsKeptFilteredOrDeadLetteredAndTheCountsAddUp() {
    // 151 records at offsets 0..150 of one partition; the pipeline must not stop on any of them.
    BadInputCorpus corpus = BadInputCorpus.create();
    List<RawRecord> input = new ArrayList<>();
    HashMap<Long, String> deadReasons = new HashMap<>();
    for (Case c : corpus.cases()) {
      long offset = input.size();
      input.add(new RawRecord(c.bytes(), "corpus", 0, offset));
      if (c.outcome() == Outcome.DEAD_LETTER) {
        deadReasons.put(offset, c.detail());
      }
    }

    PCollectionTuple parsed =
        pipeline.apply("CreateRecords", Create.of(input)).apply("ParseRecentChange", new ParseRecentChange());
    PCollection<WikiEvent> unique =
        parsed
            .get(ParseRecentChange.PARSED)
            .apply("FilterNoise", new FilterNoise())
            .apply("DeduplicateEvents", new DeduplicateEvents(Duration.standardMinutes(10)));

    PAssert.that(unique.apply("EventIds", MapElements.into(TypeDescriptors.strings()).via(e -> e.eventId)))
        .containsInAnyOrder(corpus.uniqueKeptIds());
    PAssert.that(parsed.get(ParseRecentChange.FAILED)).satisfies(new EachDeadLetterHasItsReason(deadReasons));

    PipelineResult result = pipeline.run();
    result.waitUntilFinish();

    // The corpus: 151 read; 21 kept (17 ids, 4 repeats); 16 filtered; 114 dead letters.
    assertEquals(151, input.size());
    assertEquals(21, corpus.count(Outcome.KEPT));
    assertEquals(17, corpus.uniqueKeptIds().size());
    assertEquals(16, corpus.count(Outcome.FILTERED));
    assertEquals(114, corpus.count(Outcome.DEAD_LETTER));
    assertEquals(
        Map.of("dropped_untracked_type", 7L, "dropped_talk_page", 6L, "dropped_canary", 3L),
        corpus.filteredByReason());

    // The pipeline's counters say the same, per stage and per reason.
    assertEquals(151 - 114, counter(result, ParseRecentChange.NAMESPACE, "parsed"));
    assertEquals(114, counter(result, ParseRecentChange.NAMESPACE, "invalid"));
    assertEquals(21, counter(result, FilterNoise.NAMESPACE, "kept"));
    Map<String, Long> dropped = new TreeMap<>();
    for (DropReason r : DropReason.values()) {
      dropped.put(r.metricName(), counter(result, FilterNoise.NAMESPACE, r.metricName()));
    }
    assertEquals(corpus.filteredByReason(), dropped);
    long repeats = counter(result, "DeduplicateEvents", "repeats_dropped");
    assertEquals(4, repeats);
    long filtered = dropped.values().stream().mapToLong(Long::longValue).sum();
    assertEquals(
        "read = unique + repeats + filtered + dead-lettered",
        input.size(), corpus.uniqueKeptIds().size() + repeats + filtered + deadReasons.size());
  }

  /** Each dead letter is one expected record (by offset), with its reason, storable as text; none is missing. */
  static class EachDeadLetterHasItsReason implements SerializableFunction<Iterable<FailedRecord>, Void> {
    private final HashMap<Long, String> reasons;

    EachDeadLetterHasItsReason(HashMap<Long, String> reasons) {
      this.reasons = reasons;
    }

    @Override
    public Void apply(Iterable<FailedRecord> failures) {
      Set<Long> seen = new HashSet<>();
      for (FailedRecord f : failures) {
        String reason = reasons.get(f.sourceOffset);
        assertNotNull("a dead letter for offset " + f.sourceOffset + ": " + f.error, reason);
        assertTrue(f.sourceOffset + ": '" + f.error + "' should start with '" + reason + "'", f.error.startsWith(reason));
        assertEquals(ParseRecentChange.STAGE, f.stage);
        assertFalse("NUL in a dead letter", f.error.indexOf('\u0000') >= 0 || f.payload.indexOf('\u0000') >= 0);
        assertTrue("one dead letter per record", seen.add(f.sourceOffset));
      }
      assertEquals(reasons.keySet(), seen);
      return null;
    }
  }

  private static long counter(PipelineResult result, String namespace, String name) {
    long sum = 0;
    for (MetricResult<Long> c :
        result
            .metrics()
            .queryMetrics(MetricsFilter.builder().addNameFilter(MetricNameFilter.named(namespace, name)).build())
            .getCounters()) {
      sum += c.getAttempted();
    }
    return sum;
  }
}
