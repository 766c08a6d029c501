package org.wikipulse.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.annotation.Nullable;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.wikipulse.testing.SampleData;

class WikiEventCoderTest {
  private static final WikiEventCoder CODER = WikiEventCoder.of();

  /** Every instance field of WikiEvent, as the class declares them: a field added later is here too. */
  private static List<Field> fields() {
    return Arrays.stream(WikiEvent.class.getDeclaredFields())
        .filter(f -> !Modifier.isStatic(f.getModifiers()))
        .toList();
  }

  /** A distinct, non-default value for each field: a field the coder forgets decodes as null or 0. */
  private static WikiEvent everyFieldSet() throws IllegalAccessException {
    WikiEvent e = new WikiEvent();
    int i = 1;
    for (Field f : fields()) {
      Class<?> t = f.getType();
      if (t == String.class) {
        f.set(e, "välue-" + f.getName() + "-\uD83D\uDE00");
      } else if (t == Long.class || t == long.class) {
        f.set(e, -1_000_000_000_000L * i);
      } else if (t == Integer.class || t == int.class) {
        f.set(e, -1000 * i);
      } else if (t == boolean.class) {
        f.setBoolean(e, true);
      } else if (t == Instant.class) {
        f.set(e, new Instant(1_700_000_000_123L + i));
      } else {
        throw new AssertionError("WikiEventCoderTest does not know field type " + t + " of " + f.getName());
      }
      i++;
    }
    return e;
  }

  private static void assertSameFields(WikiEvent expected, WikiEvent actual) throws IllegalAccessException {
    for (Field f : fields()) {
      assertEquals(f.get(expected), f.get(actual), () -> "field " + f.getName() + " after a round trip");
    }
  }

  private static boolean isNullable(Field f) {
    return f.isAnnotationPresent(Nullable.class) || f.getAnnotatedType().isAnnotationPresent(Nullable.class);
  }

  @Test
  void everyFieldOfTheClassSurvivesARoundTrip() throws Exception {
    WikiEvent e = everyFieldSet();
    assertSameFields(e, CoderUtils.clone(CODER, e));
  }

  @Test
  void eachNullableFieldCanBeNullAlone() throws Exception {
    List<String> nullable = new ArrayList<>();
    for (Field f : fields()) {
      if (!isNullable(f)) {
        continue;
      }
      nullable.add(f.getName());
      WikiEvent e = everyFieldSet();
      f.set(e, null);
      WikiEvent back = CoderUtils.clone(CODER, e);
      assertNull(f.get(back), f.getName());
      assertSameFields(e, back);
    }
    assertEquals(12, nullable.size(), "nullable fields: " + nullable);
  }

  @Test
  void falseFlagsAndNegativeNumbersSurvive() throws Exception {
    WikiEvent e = everyFieldSet();
    e.isBot = false;
    e.isNewPage = false;
    e.lengthDiff = Long.MIN_VALUE;
    e.bytesChanged = Long.MAX_VALUE;
    e.eventTime = new Instant(-62_135_596_800_000L);
    assertSameFields(e, CoderUtils.clone(CODER, e));
  }

  @Test
  void everyRecordedEventSurvivesARoundTripDeterministically() throws Exception {
    int parsed = 0;
    for (String line : SampleData.allLines()) {
      WikiEvent e;
      try {
        e = RecentChangeParser.parse(line.getBytes(StandardCharsets.UTF_8));
      } catch (InvalidEventException bad) {
        continue;
      }
      CoderProperties.coderDecodeEncodeEqual(CODER, e);
      CoderProperties.coderDeterministic(CODER, e, RecentChangeParser.parse(line.getBytes(StandardCharsets.UTF_8)));
      parsed++;
    }
    assertTrue(parsed > 6000, "parsed " + parsed);
  }

  @Test
  void aMissingRequiredFieldIsAClearError() throws Exception {
    WikiEvent e = everyFieldSet();
    e.serverName = null;
    CoderException error = assertThrows(CoderException.class, () -> CoderUtils.encodeToByteArray(CODER, e));
    assertTrue(error.getMessage().contains("server_name"), error.getMessage());
  }

  @Test
  void aTruncatedEncodingIsAnIoErrorNotAHalfEvent() throws Exception {
    byte[] whole = CoderUtils.encodeToByteArray(CODER, everyFieldSet());
    for (int cut : new int[] {whole.length - 1, whole.length / 2, 1}) {
      byte[] part = Arrays.copyOf(whole, cut);
      assertThrows(IOException.class, () -> CODER.decode(new ByteArrayInputStream(part)), "cut at " + cut);
    }
    byte[] negativeLength = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F};
    assertThrows(CoderException.class, () -> CODER.decode(new ByteArrayInputStream(negativeLength)));
  }

  @Test
  void isSmallerThanTheSchemaCoder() throws Exception {
    WikiEvent e = RecentChangeParser.parse(SampleData.allLines().get(0).getBytes(StandardCharsets.UTF_8));
    int compact = CoderUtils.encodeToByteArray(CODER, e).length;
    int schema =
        CoderUtils.encodeToByteArray(
                org.apache.beam.sdk.schemas.SchemaRegistry.createDefault().getSchemaCoder(WikiEvent.class), e)
            .length;
    assertTrue(compact <= schema, compact + " bytes against the schema coder's " + schema);
  }
}
