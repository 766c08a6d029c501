package org.wikipulse.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RFC 4180 quoting and formula defusing of the CSV export. */
class CsvTest {
  @Test
  void quotesFieldsAndDefusesFormulasButNotNumbers() {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("title", "a,\"b\"\nc");
    row.put("user", "=HYPERLINK(1)");
    row.put("diff", -5L);
    row.put("none", null);
    assertEquals(
        "title,user,diff,none\r\n\"a,\"\"b\"\"\nc\",'=HYPERLINK(1),-5,\r\n", Csv.write(List.of(row)));
    assertEquals("", Csv.write(List.of()));
  }
}
