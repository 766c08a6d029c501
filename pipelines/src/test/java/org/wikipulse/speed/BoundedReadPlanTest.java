package org.wikipulse.speed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BoundedReadPlanTest {

  @Test
  void sharesFollowWhatEachPartitionHolds() {
    // The case that hung: 30,898 records on 3 uneven partitions, N split evenly (10,300 each).
    assertArrayEquals(new long[] {20_000, 9_000, 1_898}, BoundedReadPlan.shares(30_898, new long[] {20_000, 9_000, 1_898}));
    assertArrayEquals(new long[] {5_000, 2_500, 0}, BoundedReadPlan.shares(7_500, new long[] {10_000, 5_000, 0}));
  }

  @Test
  void theRemainderGoesToTheLargestFractionsThenTheLowerPartition() {
    assertArrayEquals(new long[] {1, 1, 0}, BoundedReadPlan.shares(2, new long[] {5, 5, 5}));
    assertArrayEquals(new long[] {3, 1, 1}, BoundedReadPlan.shares(5, new long[] {6, 2, 2}));
  }

  @Test
  void moreThanTheTopicHoldsIsSpreadEvenlyBeyondIt() {
    assertArrayEquals(new long[] {11, 4, 3}, BoundedReadPlan.shares(18, new long[] {8, 1, 1}));
    assertArrayEquals(new long[] {4, 3, 3}, BoundedReadPlan.shares(10, new long[] {0, 0, 0}));
  }

  @Test
  void sharesAlwaysSumToNAndFitWhatEachHolds() {
    Random random = new Random(7);
    for (int round = 0; round < 10_000; round++) {
      long[] unread = new long[1 + random.nextInt(6)];
      long total = 0;
      for (int i = 0; i < unread.length; i++) {
        unread[i] = random.nextInt(4) == 0 ? 0 : random.nextInt(1_000_000);
        total += unread[i];
      }
      long n = 1 + (long) (random.nextDouble() * (total + 10));
      long[] shares = BoundedReadPlan.shares(n, unread);
      assertEquals(n, Arrays.stream(shares).sum(), () -> n + " over " + Arrays.toString(unread));
      if (n <= total) {
        for (int i = 0; i < unread.length; i++) {
          assertTrue(shares[i] >= 0 && shares[i] <= unread[i], Arrays.toString(shares) + " of " + Arrays.toString(unread));
        }
      }
    }
    // Sizes whose product overflows a long.
    long[] big = {Long.MAX_VALUE / 4, Long.MAX_VALUE / 4};
    long half = (Long.MAX_VALUE / 4 - 1) / 2;
    assertArrayEquals(new long[] {half, half}, BoundedReadPlan.shares(Long.MAX_VALUE / 4 - 1, big));
  }
}
