package org.wikipulse.model;

import java.io.Serializable;
import java.util.Objects;
import javax.annotation.Nullable;
import org.apache.beam.sdk.schemas.JavaFieldSchema;
import org.apache.beam.sdk.schemas.annotations.DefaultSchema;
import org.apache.beam.sdk.schemas.annotations.SchemaFieldName;
import org.joda.time.Instant;

/**
 * One Wikimedia {@code recentchange} event, parsed and enriched: the record every layer shares (Kafka
 * to PostgreSQL, the Parquet lake, the batch aggregations). Beam infers its schema from the fields;
 * the schema's field names are the snake_case column names used in Parquet and PostgreSQL.
 *
 * <p>Built only by {@link RecentChangeParser}, which holds the parse and enrichment rules.
 */
@DefaultSchema(JavaFieldSchema.class)
public class WikiEvent implements Serializable {

  /** {@code meta.id}: the de-duplication key everywhere downstream. */
  @SchemaFieldName("event_id")
  public String eventId;

  /** {@code timestamp} (epoch seconds, UTC), or {@code meta.dt} when there is no timestamp. */
  @SchemaFieldName("event_time")
  public Instant eventTime;

  /** {@code meta.dt} exactly as received. */
  @SchemaFieldName("meta_dt")
  public @Nullable String metaDt;

  /** {@code meta.domain}; {@code canary} marks Wikimedia's synthetic monitoring events. */
  @SchemaFieldName("domain")
  public @Nullable String domain;

  /** edit, new, log, categorize, ... */
  @SchemaFieldName("type")
  public String type;

  /** The recent-changes id ({@code id}); absent on some categorize and log events. */
  @SchemaFieldName("rc_id")
  public @Nullable Long rcId;

  @SchemaFieldName("namespace")
  public @Nullable Integer namespace;

  @SchemaFieldName("title")
  public @Nullable String title;

  @SchemaFieldName("user_name")
  public @Nullable String user;

  @SchemaFieldName("server_name")
  public String serverName;

  @SchemaFieldName("wiki")
  public @Nullable String wiki;

  @SchemaFieldName("comment")
  public @Nullable String comment;

  /** First label of server_name: en.wikipedia.org → en. */
  @SchemaFieldName("language")
  public String language;

  /** Second label of server_name: en.wikipedia.org → wikipedia. */
  @SchemaFieldName("project")
  public String project;

  @SchemaFieldName("is_bot")
  public boolean isBot;

  @SchemaFieldName("is_minor")
  public boolean isMinor;

  /** type == new. */
  @SchemaFieldName("is_new_page")
  public boolean isNewPage;

  /** length.new − length.old, a missing side counting 0. */
  @SchemaFieldName("length_diff")
  public long lengthDiff;

  /** |length_diff|. */
  @SchemaFieldName("bytes_changed")
  public long bytesChanged;

  @SchemaFieldName("revision_old")
  public @Nullable Long revisionOld;

  @SchemaFieldName("revision_new")
  public @Nullable Long revisionNew;

  @SchemaFieldName("log_type")
  public @Nullable String logType;

  @SchemaFieldName("log_action")
  public @Nullable String logAction;

  public WikiEvent() {}

  /** The edit-size class the dashboards use. */
  public EditSeverity severity() {
    return EditSeverity.of(bytesChanged);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof WikiEvent)) {
      return false;
    }
    WikiEvent e = (WikiEvent) o;
    return isBot == e.isBot
        && isMinor == e.isMinor
        && isNewPage == e.isNewPage
        && lengthDiff == e.lengthDiff
        && bytesChanged == e.bytesChanged
        && Objects.equals(eventId, e.eventId)
        && Objects.equals(eventTime, e.eventTime)
        && Objects.equals(metaDt, e.metaDt)
        && Objects.equals(domain, e.domain)
        && Objects.equals(type, e.type)
        && Objects.equals(rcId, e.rcId)
        && Objects.equals(namespace, e.namespace)
        && Objects.equals(title, e.title)
        && Objects.equals(user, e.user)
        && Objects.equals(serverName, e.serverName)
        && Objects.equals(wiki, e.wiki)
        && Objects.equals(comment, e.comment)
        && Objects.equals(language, e.language)
        && Objects.equals(project, e.project)
        && Objects.equals(revisionOld, e.revisionOld)
        && Objects.equals(revisionNew, e.revisionNew)
        && Objects.equals(logType, e.logType)
        && Objects.equals(logAction, e.logAction);
  }

  @Override
  public int hashCode() {
    return Objects.hash(eventId, eventTime, type, serverName);
  }

  @Override
  public String toString() {
    return "WikiEvent{" + eventId + " " + type + " " + serverName + " " + eventTime + " ns=" + namespace
        + " title=" + title + " user=" + user + " diff=" + lengthDiff + "}";
  }
}
