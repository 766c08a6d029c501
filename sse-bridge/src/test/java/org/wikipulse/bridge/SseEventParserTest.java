package org.wikipulse.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SSE parser against the rules of the HTML standard's event-stream interpretation. */
class SseEventParserTest {

  private final List<SseEvent> events = new ArrayList<>();
  private final SseEventParser parser = new SseEventParser(events::add);

  @Test
  void joinsMultiLineDataWithNewlines() {
    // Three data lines make one event whose data is the lines joined by \n, with no trailing \n.
    parser.feed("data: first\ndata: second\ndata:third\n\n");
    assertEquals(List.of(new SseEvent("", "message", "first\nsecond\nthird")), events);
  }

  @Test
  void stripsExactlyOneLeadingSpaceAfterTheColon() {
    // "data:  x" keeps the second space; a field without a colon has an empty value.
    parser.feed("data:  two spaces\n\ndata\n\n");
    assertEquals(2, events.size());
    assertEquals(" two spaces", events.get(0).data());
    assertEquals("", events.get(1).data());
    assertTrue(!events.get(1).isPublishable(), "empty data is not published");
  }

  @Test
  void ignoresCommentsAndUnknownFields() {
    // Heartbeat comments and unknown or colon-less lines change nothing.
    parser.feed(": heartbeat\n:\nfoo: bar\nno colon at all\ndata: x\n: in the middle\n\n");
    assertEquals(List.of(new SseEvent("", "message", "x")), events);
    assertEquals(2, parser.ignoredLines());
  }

  @Test
  void readsRetryOnlyWhenAllDigits() {
    // retry: with digits sets the reconnection time; anything else is ignored.
    assertEquals(-1, parser.retryMillis());
    parser.feed("retry: 2500\n\n");
    assertEquals(2500, parser.retryMillis());
    parser.feed("retry: soon\nretry: 12a\nretry:\n\n");
    assertEquals(2500, parser.retryMillis());
    assertTrue(events.isEmpty(), "a retry-only block dispatches nothing");
  }

  @Test
  void acceptsCrlfLfAndCrLineEndsEvenSplitAcrossChunks() {
    // The same two events written with CRLF, CR and LF ends, then fed one byte at a time.
    String text = "id: 1\r\ndata: a\r\n\r\nid: 2\rdata: b\r\rid: 3\ndata: c\n\n";
    parser.feed(text);
    List<SseEvent> whole = List.copyOf(events);
    events.clear();
    SseEventParser byteWise = new SseEventParser(events::add);
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      byteWise.feed(ByteBuffer.wrap(new byte[] {b}));
    }
    List<SseEvent> expected =
        List.of(
            new SseEvent("1", "message", "a"),
            new SseEvent("2", "message", "b"),
            new SseEvent("3", "message", "c"));
    assertEquals(expected, whole);
    assertEquals(expected, events);
  }

  @Test
  void crlfSplitBetweenChunksIsOneLineEnd() {
    // A CR at the end of one chunk and LF at the start of the next must not make a blank line.
    parser.feed("data: a\r");
    parser.feed("\ndata: b\r\n\r\n");
    assertEquals(List.of(new SseEvent("", "message", "a\nb")), events);
  }

  @Test
  void idPersistsAcrossEventsAndCanBeReset() {
    // An event without id: carries the last id; "id:" alone resets it; an id with NUL is ignored.
    parser.feed("id: 7\ndata: a\n\ndata: b\n\nid: 8\u0000x\ndata: c\n\nid\ndata: d\n\n");
    assertEquals(
        List.of(
            new SseEvent("7", "message", "a"),
            new SseEvent("7", "message", "b"),
            new SseEvent("7", "message", "c"),
            new SseEvent("", "message", "d")),
        events);
    assertEquals("", parser.lastEventId());
  }

  @Test
  void idSetOnABlockWithoutDataStillCounts() {
    // id: in a block with no data dispatches nothing but updates the last event id.
    parser.feed("id: 42\n\ndata: x\n\n");
    assertEquals(List.of(new SseEvent("42", "message", "x")), events);
  }

  @Test
  void eventNamesSetTheTypeForOneEventOnly() {
    // "event:" names one event; the next one is a message again; empty event: means message.
    parser.feed("event: message\ndata: a\n\nevent: error\ndata: b\n\ndata: c\n\nevent:\ndata: d\n\n");
    assertEquals(
        List.of("message", "error", "message", "message"),
        events.stream().map(SseEvent::type).toList());
    assertTrue(events.get(0).isPublishable());
    assertTrue(!events.get(1).isPublishable(), "only message events are published");
  }

  @Test
  void discardsAnEventCutOffBeforeItsBlankLine() {
    // The stream ends in the middle of event 2: it is dropped, the id of event 1 stays current.
    parser.feed("id: 1\ndata: one\n\nid: 2\ndata: {\"half\":");
    parser.endOfStream();
    assertEquals(List.of(new SseEvent("1", "message", "one")), events);
    // The next stream starts clean: nothing of the half event leaks into it.
    parser.feed("data: fresh\n\n");
    assertEquals(new SseEvent("2", "message", "fresh"), events.get(1));
  }

  @Test
  void lastLineWithoutLineEndIsNotDispatchedUntilBlankLine() {
    // "data: x" without a line end, then more bytes completing it.
    parser.feed("data: x");
    assertTrue(events.isEmpty());
    parser.feed("yz\n");
    assertTrue(events.isEmpty());
    parser.feed("\n");
    assertEquals(List.of(new SseEvent("", "message", "xyz")), events);
  }

  @Test
  void decodesUtf8SplitAcrossChunksAndDropsTheByteOrderMark() {
    // "é" (c3 a9) split between two chunks, after a leading BOM.
    byte[] bytes = "\uFEFFdata: caf\u00e9\n\n".getBytes(StandardCharsets.UTF_8);
    int split = bytes.length - 3; // between c3 and a9
    parser.feed(bytes, 0, split);
    parser.feed(bytes, split, bytes.length - split);
    assertEquals(List.of(new SseEvent("", "message", "caf\u00e9")), events);
  }

  @Test
  void survivesInvalidUtf8() {
    // Invalid bytes become U+FFFD instead of stopping the parser.
    byte[] bytes = {':', ' ', (byte) 0xff, '\n', 'd', 'a', 't', 'a', ':', ' ', (byte) 0xfe, '\n', '\n'};
    parser.feed(bytes, 0, bytes.length);
    assertEquals(List.of(new SseEvent("", "message", "\uFFFD")), events);
  }
}
