package io.tidegate.schemas.events;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A schema's {@code pattern}, matched as JSON Schema means it (ECMA-262: unanchored search, and
 * {@code $} is the end of the string). {@link java.util.regex.Pattern}'s {@code $} also matches
 * before a final line terminator, so {@code ^[A-Z]{3}$} took {@code "EUR\n"} and
 * {@code ^[^\x00-\x1F\x7F]*$} took a text ending in a newline; here a trailing {@code $} is
 * {@code \z}.
 *
 * <p>The patterns of our contracts are nearly all of one simple shape, {@code ^} character classes
 * {@code $}, where every class but the last has a fixed count, e.g.
 * {@code ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$}. Those are matched with a lookup table per class, with
 * no regex engine (the regex was the largest part of validating a request's path parameters and
 * body fields). Any other pattern goes to {@link Pattern}.
 */
final class SchemaPattern {

  private SchemaPattern() {
  }

  static Predicate<String> compile(String regex) {
    Predicate<String> simple = ClassSequence.parse(regex);
    if (simple != null) {
      return simple;
    }
    String strict = regex.endsWith("$") && !regex.endsWith("\\$") ? regex.substring(0, regex.length() - 1) + "\\z"
        : regex;
    Pattern pattern = Pattern.compile(strict);
    return s -> pattern.matcher(s).find();
  }

  /** Whether {@code regex} is matched without a regex engine (for tests). */
  static boolean simple(String regex) {
    return ClassSequence.parse(regex) != null;
  }

  /** {@code ^} then character classes, each with a count ({@code {n}}, {@code {m,n}}, {@code +}, {@code *}), then {@code $}. */
  private static final class ClassSequence implements Predicate<String> {

    /** One character class: ASCII by table; beyond ASCII only a negated class matches. */
    private record CharClass(boolean[] ascii, boolean negated) {
      boolean matches(char c) {
        return c < 128 ? ascii[c] : negated;
      }
    }

    private final CharClass[] classes;
    private final int[] min;
    private final int[] max;

    private ClassSequence(CharClass[] classes, int[] min, int[] max) {
      this.classes = classes;
      this.min = min;
      this.max = max;
    }

    /** The matcher, or null when {@code regex} is not of this shape (or a case this matcher would get wrong). */
    static ClassSequence parse(String regex) {
      if (!regex.startsWith("^") || !regex.endsWith("$") || regex.endsWith("\\$")) {
        return null;
      }
      List<CharClass> classes = new ArrayList<>();
      List<int[]> counts = new ArrayList<>();
      int i = 1;
      int end = regex.length() - 1;
      while (i < end) {
        if (regex.charAt(i) != '[') {
          return null;
        }
        int close = regex.indexOf(']', i + 2);
        if (close < 0 || close > end) {
          return null;
        }
        CharClass charClass = charClass(regex.substring(i + 1, close));
        if (charClass == null) {
          return null;
        }
        i = close + 1;
        int[] count = {1, 1};
        if (i < end && regex.charAt(i) == '+') {
          count = new int[] {1, Integer.MAX_VALUE};
          i++;
        } else if (i < end && regex.charAt(i) == '*') {
          count = new int[] {0, Integer.MAX_VALUE};
          i++;
        } else if (i < end && regex.charAt(i) == '{') {
          int brace = regex.indexOf('}', i);
          if (brace < 0 || brace > end) {
            return null;
          }
          count = count(regex.substring(i + 1, brace));
          if (count == null) {
            return null;
          }
          i = brace + 1;
        }
        classes.add(charClass);
        counts.add(count);
      }
      int n = classes.size();
      if (n == 0) {
        return null;
      }
      for (int k = 0; k < n; k++) {
        boolean last = k == n - 1;
        // Only the last class may vary in count (no backtracking needed), and a negated class,
        // which matches a surrogate pair as one code point in a regex, only without a bound.
        if (!last && counts.get(k)[0] != counts.get(k)[1]
            || classes.get(k).negated() && counts.get(k)[1] != Integer.MAX_VALUE) {
          return null;
        }
      }
      return new ClassSequence(classes.toArray(CharClass[]::new), counts.stream().mapToInt(c -> c[0]).toArray(),
          counts.stream().mapToInt(c -> c[1]).toArray());
    }

    @Override
    public boolean test(String s) {
      int at = 0;
      int last = classes.length - 1;
      for (int k = 0; k < last; k++) {
        for (int c = 0; c < min[k]; c++, at++) {
          if (at >= s.length() || !classes[k].matches(s.charAt(at))) {
            return false;
          }
        }
      }
      int rest = s.length() - at;
      if (rest < min[last] || rest > max[last]) {
        return false;
      }
      for (; at < s.length(); at++) {
        if (!classes[last].matches(s.charAt(at))) {
          return false;
        }
      }
      return true;
    }

    private static int[] count(String inside) {
      try {
        int comma = inside.indexOf(',');
        if (comma < 0) {
          int exact = Integer.parseInt(inside);
          return new int[] {exact, exact};
        }
        int low = Integer.parseInt(inside.substring(0, comma));
        int high = comma == inside.length() - 1 ? Integer.MAX_VALUE : Integer.parseInt(inside.substring(comma + 1));
        return low <= high ? new int[] {low, high} : null;
      } catch (NumberFormatException e) {
        return null;
      }
    }

    /**
     * The inside of {@code [...]}: literal ASCII characters, ranges {@code a-z}, escapes
     * {@code \xHH}, {@code \.}, {@code \-}, {@code \\}, an optional leading {@code ^}; a {@code -}
     * first or last is literal. Anything else (other escapes, nested classes, non-ASCII): null.
     */
    private static CharClass charClass(String inside) {
      boolean negated = inside.startsWith("^");
      List<Character> atoms = new ArrayList<>();
      List<Boolean> rangeMarks = new ArrayList<>();
      for (int i = negated ? 1 : 0; i < inside.length(); i++) {
        char c = inside.charAt(i);
        if (c == '\\') {
          if (i + 1 >= inside.length()) {
            return null;
          }
          char e = inside.charAt(++i);
          if (e == 'x' && i + 2 < inside.length()) {
            try {
              c = (char) Integer.parseInt(inside.substring(i + 1, i + 3), 16);
            } catch (NumberFormatException ex) {
              return null;
            }
            i += 2;
          } else if (".-\\[]^$".indexOf(e) >= 0) {
            c = e;
          } else {
            return null;
          }
          atoms.add(c);
          rangeMarks.add(false);
        } else if (c == '[' || c == '&' || c > 127) {
          return null;
        } else {
          atoms.add(c);
          rangeMarks.add(c == '-');
        }
      }
      boolean[] table = new boolean[128];
      for (int k = 0; k < atoms.size(); k++) {
        boolean range = rangeMarks.get(k) && k > 0 && k < atoms.size() - 1;
        if (range) {
          char from = atoms.get(k - 1);
          char to = atoms.get(k + 1);
          if (from > to) {
            return null;
          }
          for (char c = from; c <= to; c++) {
            table[c] = true;
          }
          k++;
        } else {
          table[atoms.get(k)] = true;
        }
      }
      if (negated) {
        for (int c = 0; c < 128; c++) {
          table[c] = !table[c];
        }
      }
      return new CharClass(table, negated);
    }
  }
}
