package io.tidegate.schemas.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class SchemaPatternTest {

  /** Every pattern of the event schemas and the OpenAPI document, and a few other shapes. */
  private static final List<String> PATTERNS = List.of(
      "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", "^[^\\x00-\\x1F\\x7F]*$", "^[a-z0-9][a-z0-9_-]{0,31}$",
      "^[A-Za-z0-9_-]{1,32}$", "^[A-Z]{3}$", "^[A-Z]{2}$", "^-?[0-9]{1,12}(\\.[0-9]{1,4})?$",
      "^[0-9]{1,12}(\\.[0-9]{1,4})?$", "^[a-z][a-z0-9-]{0,31}$", "^[\\x21-\\x7E]+$", "^[A-Za-z0-9._:-]{1,128}$",
      "^[A-Z][A-Za-z0-9]{0,63}$", "^[a-c]{2}[x\\-]{1,3}$", "^[^a-c]+$", "^[ab]{2,}$", "[A-Z]{2}", "^[A-Z]{2}");

  @Property(tries = 3000)
  void judgesLikeARegexWhoseDollarIsTheEndOfTheString(@ForAll("patterns") String regex, @ForAll("texts") String s) {
    Pattern reference = Pattern.compile(regex.endsWith("$") ? regex.substring(0, regex.length() - 1) + "\\z" : regex);
    assertEquals(reference.matcher(s).find(), SchemaPattern.compile(regex).test(s), regex + " on " + escape(s));
  }

  @Example
  void aTrailingNewlineDoesNotSlipThrough() {
    assertFalse(SchemaPattern.compile("^[A-Z]{3}$").test("EUR\n"));
    assertFalse(SchemaPattern.compile("^[^\\x00-\\x1F\\x7F]*$").test("order 7\n"));
    assertFalse(SchemaPattern.compile("^-?[0-9]{1,12}(\\.[0-9]{1,4})?$").test("1.50\n"), "a regex fallback too");
    assertTrue(Pattern.compile("^[A-Z]{3}$").matcher("EUR\n").find(), "as java.util.regex would have it");
  }

  @Example
  void theContractsClassSequencesNeedNoRegexEngine() {
    for (String regex : List.of("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", "^[^\\x00-\\x1F\\x7F]*$", "^[A-Z]{3}$",
        "^[\\x21-\\x7E]+$", "^[A-Za-z0-9._:-]{1,128}$")) {
      assertTrue(SchemaPattern.simple(regex), regex);
    }
    for (String regex : List.of("^-?[0-9]{1,12}(\\.[0-9]{1,4})?$", "^[a-z]{0,3}[a-z]$", "^[^a-c]{1,3}$", "[A-Z]{2}")) {
      assertFalse(SchemaPattern.simple(regex), regex);
    }
  }

  @Provide
  Arbitrary<String> patterns() {
    return Arbitraries.of(PATTERNS);
  }

  @Provide
  Arbitrary<String> texts() {
    Arbitrary<Character> chars = Arbitraries.oneOf(
        Arbitraries.of('A', 'Z', 'a', 'z', '0', '9', '.', '_', '-', ':', 'x', 'b', '\n', '\r', '\u0000', '\u001f',
            '\u007f', ' ', '!', '~', '\u00e9', '\ud83d', '\ude00'),
        Arbitraries.chars().range('\u0000', '\u007f'));
    return Arbitraries.oneOf(
        chars.list().ofMaxSize(140).map(SchemaPatternTest::text),
        Arbitraries.of("EUR", "EUR\n", "SKU-0001", "SKU-0001\n", "12.5", "-0.0001", "1.", "\ud83d\ude00", "ab\ud83d\ude00"));
  }

  private static String text(List<Character> chars) {
    StringBuilder b = new StringBuilder();
    chars.forEach(b::append);
    return b.toString();
  }

  private static String escape(String s) {
    StringBuilder b = new StringBuilder();
    s.chars().forEach(c -> b.append(c < 32 || c > 126 ? String.format("\\u%04x", c) : String.valueOf((char) c)));
    return b.toString();
  }
}
