package org.wikipulse.transforms;

import static org.junit.Assert.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;
import org.wikipulse.model.FailedRecord;
import org.wikipulse.model.RawRecord;
import org.wikipulse.model.WikiEvent;
import org.wikipulse.testing.SampleData;

/** The parse and filter transforms on every real sample event plus malformed records, in a real pipeline. */
public class ParseAndFilterTest {

  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  @Test
  public void countsOfParsedKeptDroppedAndDeadLetteredAddUp() {
    // All 6129 recorded events, with four malformed records at known Kafka offsets among them.
    List<RawRecord> input = new ArrayList<>();
    long offset = 0;
    for (String line : SampleData.allLines()) {
      input.add(new RawRecord(line.getBytes(StandardCharsets.UTF_8), "t", 0, offset++));
    }
    input.add(new RawRecord("not json".getBytes(StandardCharsets.UTF_8), "t", 1, 7L));
    input.add(new RawRecord("{\"meta\":{}}".getBytes(StandardCharsets.UTF_8), "t", 1, 8L));
    input.add(new RawRecord(new byte[] {(byte) 0xff, (byte) 0xfe}, "t", 2, 9L));
    input.add(new RawRecord("{\"meta\":{\"id\":\"a\\u0000\"}}".getBytes(StandardCharsets.UTF_8), "t", 2, 10L));

    PCollectionTuple parsed =
        pipeline.apply("CreateRecords", Create.of(input)).apply("Parse", new ParseRecentChange());
    PCollection<WikiEvent> kept = parsed.get(ParseRecentChange.PARSED).apply("Filter", new FilterNoise());
    PCollection<FailedRecord> failed = parsed.get(ParseRecentChange.FAILED);

    PAssert.thatSingleton(kept.apply("CountKept", Count.globally())).isEqualTo(5997L);
    PAssert.that(
            failed.apply(
                "DescribeFailures",
                MapElements.into(TypeDescriptors.strings())
                    .via(f -> f.sourcePartition + "/" + f.sourceOffset + " " + f.stage + ": " + f.error)))
        .containsInAnyOrder(
            "1/7 parse: not valid JSON: Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
            "1/8 parse: missing meta.id",
            "2/9 parse: payload is not valid UTF-8",
            "2/10 parse: meta.id contains a NUL character");

    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    assertEquals(6129, counter(result, ParseRecentChange.NAMESPACE, "parsed"));
    assertEquals(4, counter(result, ParseRecentChange.NAMESPACE, "invalid"));
    assertEquals(5997, counter(result, FilterNoise.NAMESPACE, "kept"));
    assertEquals(123, counter(result, FilterNoise.NAMESPACE, "dropped_untracked_type"));
    assertEquals(9, counter(result, FilterNoise.NAMESPACE, "dropped_talk_page"));
    assertEquals(0, counter(result, FilterNoise.NAMESPACE, "dropped_canary"));
  }

  private static long counter(PipelineResult result, String namespace, String name) {
    long sum = 0;
    for (MetricResult<Long> c :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder().addNameFilter(MetricNameFilter.named(namespace, name)).build())
            .getCounters()) {
      sum += c.getAttempted();
    }
    return sum;
  }
}
