package io.tidegate.config;

import java.util.List;

/**
 * A sales channel (webshop, marketplace, EDI partner). API keys are stored only as SHA-256
 * hashes; several hashes allow key rotation without downtime.
 *
 * @param atpPolicy what order intake does with a line that stock cannot cover: {@code reject} the
 *                  order (422 INSUFFICIENT_STOCK), accept it as a {@code backorder} (the short part
 *                  is not reserved), or {@code accept} it without checking stock (no ship-from
 *                  location, nothing reserved)
 * @param locationPriority ship-from locations this channel prefers, most preferred first; used to
 *                  choose among locations that serve a line equally well (see {@code Promise})
 * @param allowJwt  the channel may also authenticate with an OAuth2 bearer token (JWT) whose channel
 *                  claim names it; such a channel may have no API key at all
 */
public record ChannelSettings(String name, List<String> apiKeyHashes, AtpPolicy atpPolicy,
                              List<String> locationPriority, boolean allowJwt) {

  /** Order intake's stock rule for a channel. */
  public enum AtpPolicy {
    REJECT, BACKORDER, ACCEPT;

    public static AtpPolicy parse(String key, String value) {
      for (AtpPolicy p : values()) {
        if (p.name().equalsIgnoreCase(value == null ? "" : value.trim())) {
          return p;
        }
      }
      throw ConfigException.invalid(key, value, "one of reject, backorder, accept");
    }
  }

  public ChannelSettings {
    if (name == null || !name.matches("[a-z0-9][a-z0-9_-]{0,31}")) {
      throw ConfigException.invalid("channels", name, "a channel name of lowercase letters, digits, '-' or '_' (at most 32)");
    }
    apiKeyHashes = Check.keyHashes("channels." + name + ".apiKeyHashes", apiKeyHashes, allowJwt);
    if (atpPolicy == null) {
      atpPolicy = AtpPolicy.REJECT;
    }
    locationPriority = locationPriority == null ? List.of() : List.copyOf(locationPriority);
    if (locationPriority.stream().distinct().count() != locationPriority.size()
        || locationPriority.stream().anyMatch(l -> l == null || l.isBlank())) {
      throw ConfigException.invalid("channels." + name + ".locationPriority", locationPriority,
          "a list of distinct location codes");
    }
  }

  public ChannelSettings(String name, List<String> apiKeyHashes) {
    this(name, apiKeyHashes, AtpPolicy.REJECT, List.of(), false);
  }
}
