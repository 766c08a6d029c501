package org.wikipulse.batch;

import java.io.Serializable;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.wikipulse.model.WikiEvent;

/**
 * View 4, {@code historical_language_distribution}: per (language, project), every pair that has
 * events: the number of events, the bytes they changed, the events by bots and the pages created
 * ({@code type = new}).
 */
public class LanguageDistribution extends PTransform<PCollection<WikiEvent>, PCollection<LanguageDistribution.Share>> {

  /** One row of {@code historical_language_distribution}. */
  public record Share(
      String language, String project, long editCount, long totalBytes, long botEdits, long newPages)
      implements Serializable {}

  /** The (language, project) an event counts under: the view's key. */
  public static KV<String, String> languageOf(WikiEvent e) {
    return KV.of(e.language, e.project);
  }

  @Override
  public PCollection<Share> expand(PCollection<WikiEvent> events) {
    return events
        .apply(
            "KeyByLanguageAndProject",
            WithKeys.<KV<String, String>, WikiEvent>of(LanguageDistribution::languageOf)
                .withKeyType(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings())))
        .apply("TallyLanguage", Combine.perKey(new EventTally.TallyFn()))
        .apply("ToShares", fromTallies());
  }

  public static FromTallies fromTallies() {
    return new FromTallies();
  }

  /** View 4's rows from each (language, project)'s tally. */
  public static class FromTallies
      extends PTransform<PCollection<KV<KV<String, String>, EventTally>>, PCollection<Share>> {
    @Override
    public PCollection<Share> expand(PCollection<KV<KV<String, String>, EventTally>> tallies) {
      return tallies
          .apply(
              "ToShare",
              MapElements.into(TypeDescriptor.of(Share.class))
                  .via(
                      (KV<KV<String, String>, EventTally> s) ->
                          new Share(
                              s.getKey().getKey(),
                              s.getKey().getValue(),
                              s.getValue().events,
                              s.getValue().bytes,
                              s.getValue().botEvents,
                              s.getValue().newPages)))
          .setCoder(SerializableCoder.of(Share.class));
    }
  }
}
