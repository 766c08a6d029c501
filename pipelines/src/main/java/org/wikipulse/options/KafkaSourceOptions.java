package org.wikipulse.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** Where the speed layer reads raw events: the Kafka topic the bridge fills. */
public interface KafkaSourceOptions extends PipelineOptions {
  @Description("Kafka bootstrap servers (default: $WIKIPULSE_KAFKA_BOOTSTRAP or 127.0.0.1:9092)")
  @Default.InstanceFactory(EnvDefaults.KafkaBootstrap.class)
  String getKafkaBootstrap();

  void setKafkaBootstrap(String value);

  @Description("Kafka topic of raw recentchange events (default: $WIKIPULSE_TOPIC or wiki-raw-events)")
  @Default.InstanceFactory(EnvDefaults.Topic.class)
  String getTopic();

  void setTopic(String value);

  @Description("Kafka consumer group; offsets are committed only after the outputs are done")
  @Default.String("wikipulse-speed")
  String getConsumerGroup();

  void setConsumerGroup(String value);

  @Description(
      "Read at most this many records, then finish every output and stop (tests, benchmarks, "
          + "backfills); 0 = read forever. Each partition reads a share in proportion to what it "
          + "holds unread for the consumer group; asking for more than the topic holds waits for new records")
  @Default.Long(0)
  long getMaxRecords();

  void setMaxRecords(long value);

  @Description("How far out of order event times may arrive before the watermark passes them, in seconds")
  @Default.Long(30)
  long getMaxOutOfOrdernessSeconds();

  void setMaxOutOfOrdernessSeconds(long value);
}
