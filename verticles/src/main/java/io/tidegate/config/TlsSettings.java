package io.tidegate.config;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * TLS for the HTTP listeners from PEM files: off when both paths are empty. The key file must hold
 * an unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}) or PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) key; the
 * certificate file the server certificate, optionally followed by its chain. Only the paths are
 * kept here; the files are read by the HTTP server when it starts and their content is never logged.
 */
public record TlsSettings(String certPath, String keyPath) {

  public static final TlsSettings OFF = new TlsSettings("", "");

  public TlsSettings {
    certPath = certPath == null ? "" : certPath.trim();
    keyPath = keyPath == null ? "" : keyPath.trim();
    if (certPath.isEmpty() != keyPath.isEmpty()) {
      String missing = certPath.isEmpty() ? "http.tls.certPath" : "http.tls.keyPath";
      throw ConfigException.invalid(missing, "", "a PEM file path, because the other half of http.tls is set"
          + " (set both http.tls.certPath and http.tls.keyPath, or neither)");
    }
    if (!certPath.isEmpty()) {
      readable("http.tls.certPath", certPath);
      readable("http.tls.keyPath", keyPath);
    }
  }

  public boolean enabled() {
    return !certPath.isEmpty();
  }

  static void readable(String key, String path) {
    Path p = Path.of(path);
    if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
      throw ConfigException.invalid(key, path, "a readable PEM file");
    }
  }
}
