package io.tidegate.schemas.events;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.time.OffsetDateTime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Rfc3339Test {

  @ParameterizedTest
  @ValueSource(strings = {"2026-11-23T12:00:00Z", "2026-11-23T12:00:00.5Z", "2026-11-23T12:00:00.123456789Z",
    "2028-02-29T23:59:59+01:00", "1970-01-01T00:00:00-05:30", "0001-01-01T00:00:00Z"})
  void parsesDateTimesLikeJavaTime(String text) {
    assertEquals(OffsetDateTime.parse(text).toInstant(), Rfc3339.parseDateTime(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-11-23T12:00:00", "2026-11-23 12:00:00Z", "2026-11-23T24:00:00Z", "2026-11-23T12:60:00Z",
    "2026-02-29T12:00:00Z", "2026-13-01T00:00:00Z", "2026-11-23T12:00:00.Z", "2026-11-23T12:00:00.1234567890Z",
    "2026-11-23T12:00:00+0100", "2026-11-23T12:00:00+24:00", "2026-11-23T12:00:00ZZ", "2026-1-23T12:00:00Z",
    "yesterday", ""})
  void rejectsWhatIsNotAnRfc3339DateTime(String text) {
    assertNull(Rfc3339.parseDateTime(text));
  }

  @Test
  void datesAreCalendarDays() {
    assertTrue(Rfc3339.isDate("2026-12-01"));
    assertTrue(Rfc3339.isDate("2028-02-29"));
    assertFalse(Rfc3339.isDate("2026-02-29"));
    assertFalse(Rfc3339.isDate("2026-04-31"));
    assertFalse(Rfc3339.isDate("2026-12-1"));
    assertFalse(Rfc3339.isDate("2026-12-01T00:00:00Z"));
  }

  @Test
  void uuidsAreCanonical() {
    assertTrue(Rfc3339.isUuid("6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f"));
    assertTrue(Rfc3339.isUuid("6F1C2D3E-4B5A-4C6D-8E7F-9A0B1C2D3E4F"));
    assertFalse(Rfc3339.isUuid("6f1c2d3e4b5a4c6d8e7f9a0b1c2d3e4f"));
    assertFalse(Rfc3339.isUuid("6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4g"));
    assertFalse(Rfc3339.isUuid("urn:uuid:6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f"));
  }

  @Test
  void instantIsExact() {
    assertEquals(Instant.parse("2026-11-23T11:00:00.250Z"), Rfc3339.parseDateTime("2026-11-23T12:00:00.25+01:00"));
  }
}
