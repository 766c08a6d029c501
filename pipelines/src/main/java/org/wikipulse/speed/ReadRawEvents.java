package org.wikipulse.speed;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.io.kafka.CustomTimestampPolicyWithLimitedDelay;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.wikipulse.model.RawRecord;
import org.wikipulse.model.RecentChangeParser;
import org.wikipulse.options.KafkaSourceOptions;

/**
 * Reads the raw events topic with KafkaIO: values as bytes (they are parsed downstream, where a bad
 * one becomes a dead letter), element timestamps from each event's own time with a
 * bounded-out-of-orderness watermark, offsets committed to the consumer group only when the runner
 * finalizes a checkpoint (after the outputs are done), read_committed isolation. With {@code
 * --maxRecords} the read is bounded. Writes {@link RawRecord}s carrying topic/partition/offset.
 *
 * <p>A bounded read ({@code --maxRecords=N}) reads each partition with its own share of N, planned
 * from what each holds unread ({@link BoundedReadPlan}): Beam's own bounded read of the whole topic
 * splits N >= 10,000 evenly over the partitions, and one holding fewer than its share waited forever
 * for records that never came (seen with 30,898 records on 3 partitions). Its offset commit when it
 * ends is best effort: KafkaIO closes the consumer right after and the commit can fail with a
 * WakeupException.
 */
public class ReadRawEvents extends PTransform<PBegin, PCollection<RawRecord>> {
  private final KafkaSourceOptions options;

  public ReadRawEvents(KafkaSourceOptions options) {
    this.options = options;
  }

  @Override
  public PCollection<RawRecord> expand(PBegin input) {
    Duration maxDelay = Duration.standardSeconds(options.getMaxOutOfOrdernessSeconds());
    Map<String, Object> consumer = new HashMap<>();
    consumer.put(ConsumerConfig.GROUP_ID_CONFIG, options.getConsumerGroup());
    consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaIO.Read<byte[], byte[]> read =
        KafkaIO.<byte[], byte[]>read()
            .withBootstrapServers(options.getKafkaBootstrap())
            .withKeyDeserializer(ByteArrayDeserializer.class)
            .withValueDeserializer(ByteArrayDeserializer.class)
            .withConsumerConfigUpdates(consumer)
            .commitOffsetsInFinalize()
            .withTimestampPolicyFactory(
                (partition, previousWatermark) ->
                    new CustomTimestampPolicyWithLimitedDelay<>(
                        ReadRawEvents::eventTime, maxDelay, previousWatermark));
    PCollection<KafkaRecord<byte[], byte[]>> records;
    if (options.getMaxRecords() > 0) {
      // One bounded read per partition, each with its share (see BoundedReadPlan).
      PCollectionList<KafkaRecord<byte[], byte[]>> parts = PCollectionList.empty(input.getPipeline());
      for (Map.Entry<TopicPartition, Long> share : BoundedReadPlan.of(options, consumer).entrySet()) {
        if (share.getValue() > 0) {
          KafkaIO.Read<byte[], byte[]> partition =
              read.withTopicPartitions(List.of(share.getKey())).withMaxNumRecords(share.getValue());
          parts = parts.and(input.apply("ReadKafkaPartition" + share.getKey().partition(), partition));
        }
      }
      records = parts.apply("ReadKafka", Flatten.pCollections());
    } else {
      records = input.apply("ReadKafka", read.withTopic(options.getTopic()));
    }
    return records.apply("ToRawRecord", ParDo.of(new ToRawRecordFn()));
  }

  /**
   * The event's own time, read without a full parse (ParseRecentChange does that once, downstream);
   * a payload without a valid time keeps its Kafka timestamp (it becomes a dead letter there).
   */
  static Instant eventTime(KafkaRecord<byte[], byte[]> record) {
    try {
      return RecentChangeParser.eventTimeOf(record.getKV().getValue());
    } catch (Exception e) {
      return new Instant(record.getTimestamp());
    }
  }

  /** Counts every record read (counter {@code read}): the left side of the run's identity, see {@link RunSummary}. */
  static class ToRawRecordFn extends DoFn<KafkaRecord<byte[], byte[]>, RawRecord> {
    private final Counter read = Metrics.counter("ReadRawEvents", "read");

    @ProcessElement
    public void processElement(
        @Element KafkaRecord<byte[], byte[]> record, OutputReceiver<RawRecord> out) {
      read.inc();
      // A record with no value (a tombstone) is read like an empty payload: a dead letter, counted.
      byte[] value = record.getKV().getValue();
      out.output(
          new RawRecord(
              value == null ? new byte[0] : value,
              record.getTopic(),
              record.getPartition(),
              record.getOffset()));
    }
  }
}
