package org.wikipulse.batch;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.Nullable;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Distinct;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.wikipulse.model.WikiEvent;

/**
 * View 5, {@code historical_server_rankings}: per server_name (with its language and project), the
 * number of events, the bytes they changed and the exact number of distinct user names; {@code
 * rank} 1 = most events, ties broken by server_name (code point order); {@code percentile} = SQL's
 * {@code percent_rank() OVER (ORDER BY edit_count DESC)} over <em>all</em> servers, i.e. (r − 1) /
 * (n − 1) where r is 1 + the number of servers with more events (servers with equal counts share
 * it) and n the number of servers, 0 when n = 1. Only the top {@code n} (50) rows are kept, after
 * the percentiles are computed.
 *
 * <p>Distinct users are counted exactly: distinct (server, user) pairs, then a count per server.
 */
public class ServerRankings extends PTransform<PCollection<WikiEvent>, PCollection<ServerRankings.Ranking>> {
  public static final int DEFAULT_SIZE = 50;
  private final int size;

  public ServerRankings() {
    this(DEFAULT_SIZE);
  }

  public ServerRankings(int size) {
    this.size = size;
  }

  /** The totals of one server before ranking. */
  public record ServerTotals(
      String serverName, String language, String project, long editCount, long totalBytes)
      implements Serializable {}

  /** One row of {@code historical_server_rankings}. */
  public record Ranking(
      String serverName,
      String language,
      String project,
      long editCount,
      long totalBytes,
      long uniqueUsers,
      int rank,
      double percentile)
      implements Serializable {}

  /** The server an event counts under, with its language and project: the view's key. */
  public static KV<String, KV<String, String>> serverOf(WikiEvent e) {
    // language and project follow from server_name; they ride in the key to reach the row.
    return KV.of(e.serverName, KV.of(e.language, e.project));
  }

  /** The (server_name, user name) pair of an event, or null without a user name: unique users. */
  public static @Nullable KV<String, String> serverUserOf(WikiEvent e) {
    return e.user == null ? null : KV.of(e.serverName, e.user);
  }

  @Override
  public PCollection<Ranking> expand(PCollection<WikiEvent> events) {
    PCollection<KV<String, String>> serverUsers =
        events
            .apply("HasUser", Filter.by((WikiEvent e) -> serverUserOf(e) != null))
            .apply(
                "ServerAndUser",
                MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
                    .via(ServerRankings::serverUserOf))
            .apply("DistinctServerUsers", Distinct.create());
    PCollection<KV<KV<String, KV<String, String>>, EventTally>> servers =
        events
            .apply(
                "KeyByServer",
                WithKeys.<KV<String, KV<String, String>>, WikiEvent>of(ServerRankings::serverOf)
                    .withKeyType(
                        TypeDescriptors.kvs(
                            TypeDescriptors.strings(),
                            TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))))
            .apply("TallyServer", Combine.perKey(new EventTally.TallyFn()));
    return servers.apply("RankServers", fromTallies(serverUsers));
  }

  /**
   * The ranking from each server's tally and {@code distinctServerUsers}, every (server_name, user
   * name) pair that has events, once.
   */
  public FromTallies fromTallies(PCollection<KV<String, String>> distinctServerUsers) {
    return new FromTallies(size, distinctServerUsers);
  }

  /** View 5's rows from each server's tally and the distinct (server, user) pairs. */
  public static class FromTallies
      extends PTransform<PCollection<KV<KV<String, KV<String, String>>, EventTally>>, PCollection<Ranking>> {
    private final int size;
    private final transient PCollection<KV<String, String>> distinctServerUsers;

    FromTallies(int size, PCollection<KV<String, String>> distinctServerUsers) {
      this.size = size;
      this.distinctServerUsers = distinctServerUsers;
    }

    @Override
    public PCollection<Ranking> expand(PCollection<KV<KV<String, KV<String, String>>, EventTally>> servers) {
      PCollectionView<Map<String, Long>> uniqueUsers =
          distinctServerUsers
              .apply("CountUsersPerServer", Count.perKey())
              .apply("UsersView", View.asMap());
      return servers
          .apply(
              "ToServerTotals",
              MapElements.into(TypeDescriptor.of(ServerTotals.class))
                  .via(
                      (KV<KV<String, KV<String, String>>, EventTally> s) ->
                          new ServerTotals(
                              s.getKey().getKey(),
                              s.getKey().getValue().getKey(),
                              s.getKey().getValue().getValue(),
                              s.getValue().events,
                              s.getValue().bytes)))
          .setCoder(SerializableCoder.of(ServerTotals.class))
          .apply("CollectServers", Combine.globally(new CollectToList<ServerTotals>()))
          .apply("RankServers", ParDo.of(new RankFn(size, uniqueUsers)).withSideInputs(uniqueUsers))
          .setCoder(SerializableCoder.of(Ranking.class));
    }
  }

  static class RankFn extends DoFn<List<ServerTotals>, Ranking> {
    private final int size;
    private final PCollectionView<Map<String, Long>> uniqueUsers;

    RankFn(int size, PCollectionView<Map<String, Long>> uniqueUsers) {
      this.size = size;
      this.uniqueUsers = uniqueUsers;
    }

    @ProcessElement
    public void processElement(
        @Element List<ServerTotals> servers, OutputReceiver<Ranking> out, ProcessContext c) {
      rank(servers, c.sideInput(uniqueUsers), size).forEach(out::output);
    }
  }

  /** Best first: most events, then server_name in code point order. */
  public static final Comparator<ServerTotals> RANK_ORDER =
      Comparator.comparingLong(ServerTotals::editCount)
          .reversed()
          .thenComparing(ServerTotals::serverName, CodePointOrder.INSTANCE);

  /**
   * The definition itself: ranks {@code servers} (one entry per server), computes every percentile
   * over all of them, then keeps the first {@code size}.
   */
  public static List<Ranking> rank(List<ServerTotals> servers, Map<String, Long> uniqueUsers, int size) {
    List<ServerTotals> sorted = new ArrayList<>(servers);
    sorted.sort(RANK_ORDER);
    Set<String> seen = new HashSet<>();
    for (ServerTotals s : sorted) {
      if (!seen.add(s.serverName())) {
        throw new IllegalStateException(
            "server " + s.serverName() + " has events with different language/project values");
      }
    }
    int n = sorted.size();
    List<Ranking> rows = new ArrayList<>();
    int peerRank = 1;
    for (int i = 0; i < n && i < size; i++) {
      ServerTotals s = sorted.get(i);
      if (i > 0 && s.editCount() != sorted.get(i - 1).editCount()) {
        peerRank = i + 1;
      }
      double percentile = n == 1 ? 0 : (double) (peerRank - 1) / (n - 1);
      rows.add(
          new Ranking(
              s.serverName(),
              s.language(),
              s.project(),
              s.editCount(),
              s.totalBytes(),
              uniqueUsers.getOrDefault(s.serverName(), 0L),
              i + 1,
              percentile));
    }
    return rows;
  }
}
