package io.tidegate.config;

/** Where the ERP's HTTP API is. */
public record ErpSettings(String baseUrl) {

  public ErpSettings {
    if (baseUrl == null || !baseUrl.matches("https?://[^\\s]+")) {
      throw ConfigException.invalid("erp.baseUrl", baseUrl, "an http(s) URL such as http://127.0.0.1:8090");
    }
  }
}
