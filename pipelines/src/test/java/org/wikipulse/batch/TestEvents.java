package org.wikipulse.batch;

import org.joda.time.Instant;
import org.wikipulse.model.WikiEvent;

/** Hand-made kept events for the definitions' tests: only the fields the views read are set. */
final class TestEvents {
  private TestEvents() {}

  static WikiEvent event(String id, String time, String type, String server, String user, boolean bot, long bytes) {
    WikiEvent e = new WikiEvent();
    e.eventId = id;
    e.eventTime = Instant.parse(time);
    e.metaDt = time;
    e.type = type;
    e.namespace = 0;
    e.serverName = server;
    String[] labels = server.split("\\.");
    e.language = labels[0];
    e.project = labels[1];
    e.user = user;
    e.isBot = bot;
    e.isNewPage = "new".equals(type);
    e.lengthDiff = bytes;
    e.bytesChanged = Math.abs(bytes);
    e.title = "Page " + id;
    return e;
  }

  static WikiEvent edit(String id, String time, String user, boolean bot, long bytes) {
    return event(id, time, "edit", "en.wikipedia.org", user, bot, bytes);
  }
}
