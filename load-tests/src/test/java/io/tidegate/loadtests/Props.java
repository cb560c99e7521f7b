package io.tidegate.loadtests;

import java.util.Arrays;
import java.util.List;

/**
 * Simulation parameters, all Java system properties ({@code -Dname=value} on the Maven command
 * line) with development-stack defaults. A malformed value stops the simulation before any load
 * with a message naming the property, the value and what was expected.
 */
final class Props {

  private Props() {
  }

  static String string(String name, String fallback) {
    String v = System.getProperty(name);
    return v == null || v.isBlank() ? fallback : v.trim();
  }

  static List<String> list(String name, String fallback) {
    return Arrays.stream(string(name, fallback).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  static int integer(String name, int fallback, int min, int max) {
    String v = string(name, Integer.toString(fallback));
    try {
      int i = Integer.parseInt(v);
      if (i < min || i > max) {
        throw bad(name, v, "an integer in [" + min + ", " + max + "]");
      }
      return i;
    } catch (NumberFormatException e) {
      throw bad(name, v, "an integer in [" + min + ", " + max + "]");
    }
  }

  static double decimal(String name, double fallback, double min, double max) {
    String v = string(name, Double.toString(fallback));
    try {
      double d = Double.parseDouble(v);
      if (!(d >= min && d <= max)) {
        throw bad(name, v, "a number in [" + min + ", " + max + "]");
      }
      return d;
    } catch (NumberFormatException e) {
      throw bad(name, v, "a number in [" + min + ", " + max + "]");
    }
  }

  static boolean bool(String name, boolean fallback) {
    String v = string(name, Boolean.toString(fallback));
    if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
      throw bad(name, v, "true or false");
    }
    return Boolean.parseBoolean(v);
  }

  static IllegalArgumentException bad(String name, String value, String expected) {
    return new IllegalArgumentException("-D" + name + "=" + value + ": expected " + expected);
  }
}
