package io.tidegate.config;

import java.util.Locale;

/** What may be shown of a configuration value in a log line or a config dump. */
public final class Secrets {

  public static final String MASK = "****";

  private Secrets() {
  }

  /**
   * A URL without what could be a credential: user info ({@code https://user:pw@host}) and the query
   * string (tokens are often passed there) are replaced by {@value #MASK}.
   */
  public static String maskUrl(String url) {
    if (url == null || url.isEmpty()) {
      return url;
    }
    String out = url.replaceFirst("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@?#]*@", "$1" + MASK + "@");
    int query = out.indexOf('?');
    return query < 0 ? out : out.substring(0, query + 1) + MASK;
  }

  /** True for a client property whose value must never be shown (passwords, JAAS config, keys, tokens). */
  public static boolean isSecretProperty(String name) {
    String k = name.toLowerCase(Locale.ROOT);
    return k.contains("password") || k.contains("jaas") || k.contains("secret") || k.contains("key")
        || k.contains("token") || k.contains("credential");
  }
}
