package org.wikipulse.model;

import java.util.Optional;
import java.util.Set;

/**
 * The noise filter: the rules that decide which valid events the analytics keep. One home for the
 * rules, used by the speed layer, the batch layer and the tests.
 *
 * <p>Rules are checked in declaration order and the first that matches names the drop.
 */
public enum DropReason {
  /** Only edit, new and log events are analysed (categorize and anything else are dropped). */
  UNTRACKED_TYPE,
  /** Talk pages: every odd namespace (1 Talk, 3 User talk, 5 Project talk, ...). */
  TALK_PAGE,
  /** Wikimedia's synthetic monitoring events ({@code meta.domain == "canary"}). */
  CANARY;

  public static final Set<String> TRACKED_TYPES = Set.of("edit", "new", "log");

  /** Why {@code event} is dropped, or empty when it is kept. */
  public static Optional<DropReason> of(WikiEvent event) {
    if (!TRACKED_TYPES.contains(event.type)) {
      return Optional.of(UNTRACKED_TYPE);
    }
    if (event.namespace != null && Math.floorMod(event.namespace, 2) == 1) {
      return Optional.of(TALK_PAGE);
    }
    if ("canary".equals(event.domain)) {
      return Optional.of(CANARY);
    }
    return Optional.empty();
  }

  /** The metric and column name of this rule, e.g. {@code dropped_talk_page}. */
  public String metricName() {
    return "dropped_" + name().toLowerCase(java.util.Locale.ROOT);
  }
}
