package org.wikipulse.spark.bench;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.util.CoderUtils;
import org.joda.time.Duration;
import org.wikipulse.model.DropReason;
import org.wikipulse.model.RecentChangeParser;
import org.wikipulse.model.WikiEvent;
import org.wikipulse.testing.SampleData;

/**
 * Scales the recorded sample to any size, deterministically by seed: copy {@code k} of each kept
 * sample event gets the id {@code <id>~k} and its time shifted by {@code k} days plus a seeded
 * number of seconds (under an hour); a seeded {@code duplicateRate} of the copies is emitted twice,
 * as a streaming restart would leave them in the lake. Same seed, same events.
 */
public final class ScaledSample implements Serializable {
  private final List<byte[]> sample;
  private final Coder<WikiEvent> coder;
  private final long seed;
  private final double duplicateRate;

  public ScaledSample(Coder<WikiEvent> coder, long seed, double duplicateRate) throws Exception {
    Map<String, WikiEvent> kept = new LinkedHashMap<>();
    for (String line : SampleData.allLines()) {
      WikiEvent e = RecentChangeParser.parse(line);
      if (DropReason.of(e).isEmpty()) {
        kept.putIfAbsent(e.eventId, e);
      }
    }
    this.sample = new ArrayList<>();
    for (WikiEvent e : kept.values()) {
      sample.add(CoderUtils.encodeToByteArray(coder, e));
    }
    this.coder = coder;
    this.seed = seed;
    this.duplicateRate = duplicateRate;
  }

  public int sampleSize() {
    return sample.size();
  }

  /** How many copies of the sample make at least {@code events} distinct events. */
  public int copiesFor(long events) {
    return (int) ((events + sample.size() - 1) / sample.size());
  }

  /** Copy {@code k} of the sample: its distinct events, then its repeats. */
  public List<WikiEvent> copy(int k) throws Exception {
    SplittableRandom random = new SplittableRandom(seed * 1_000_003L + k);
    List<WikiEvent> out = new ArrayList<>(sample.size() + 16);
    List<WikiEvent> repeats = new ArrayList<>();
    for (byte[] encoded : sample) {
      WikiEvent e = CoderUtils.decodeFromByteArray(coder, encoded);
      e.eventId = e.eventId + "~" + k;
      e.eventTime = e.eventTime.plus(Duration.standardDays(k)).plus(Duration.standardSeconds(random.nextInt(3600)));
      out.add(e);
      if (random.nextDouble() < duplicateRate) {
        repeats.add(e);
      }
    }
    out.addAll(repeats);
    return out;
  }

  /** Emits {@link #copy} of each copy number. */
  static class ExpandCopyFn extends DoFn<Integer, WikiEvent> {
    private final ScaledSample sample;

    ExpandCopyFn(ScaledSample sample) {
      this.sample = sample;
    }

    @ProcessElement
    public void processElement(@Element Integer k, OutputReceiver<WikiEvent> out) throws Exception {
      sample.copy(k).forEach(out::output);
    }
  }
}
