package dev.toolguard.hosting.spring;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code toolguard.hosting.*} properties of the hosted Responses endpoint. {@link #validate()}
 * checks them when the endpoint is made, each message naming the property at fault.
 */
@ConfigurationProperties(prefix = "toolguard.hosting")
public class ToolGuardHostingProperties {

  /** Serve the endpoint (off unless set to true). */
  private boolean enabled;

  /** The path before {@code /responses}: clients take {@code http://HOST:PORT} + this as base URL. */
  private String path = "/v1";

  /**
   * The secret that signs the ids of waiting calls: at least 32 bytes (UTF-8), the same on every
   * instance; required. Keep it out of the source: an environment variable, a secret store.
   */
  private @Nullable String secret;

  /** The {@code server_label} of approval requests and calls. */
  private String serverLabel = "toolguard";

  /** The model name answered when a request names none. */
  private String modelName = "toolguard-agent";

  /** The largest request body taken, in bytes (at least 1024). */
  private int maxBodyBytes = 1048576;

  /** How long a request holds the answers it uses before another request may take them over. */
  private Duration answerLease = Duration.ofMinutes(10);

  /**
   * Checks every property.
   *
   * @throws IllegalStateException naming the property at fault, what it was and what to set
   */
  public void validate() {
    if (secret == null || secret.isBlank()) {
      throw new IllegalStateException("toolguard.hosting.secret is not set: set it to a random string of at least"
          + " 32 characters, the same on every instance (e.g. TOOLGUARD_HOSTING_SECRET in the environment); it"
          + " signs the ids of calls that wait for approval");
    }
    int bytes = secret.getBytes(StandardCharsets.UTF_8).length;
    if (bytes < 32) {
      throw new IllegalStateException("toolguard.hosting.secret is too short: " + bytes + " bytes, at least 32"
          + " are needed; set a longer random string");
    }
    if (path == null || !path.startsWith("/") || (path.length() > 1 && path.endsWith("/")) || path.contains("{")
        || path.contains("*") || path.contains("?") || path.contains("//")) {
      throw new IllegalStateException("toolguard.hosting.path must start with '/' and not end with one, with no"
          + " '{', '*', '?' or '//' (e.g. /v1), was " + (path == null ? "null" : "'" + path + "'"));
    }
    if (serverLabel == null || serverLabel.isBlank()) {
      throw new IllegalStateException("toolguard.hosting.server-label must not be blank (default toolguard)");
    }
    if (modelName == null || modelName.isBlank()) {
      throw new IllegalStateException("toolguard.hosting.model-name must not be blank (default toolguard-agent)");
    }
    if (maxBodyBytes < 1024) {
      throw new IllegalStateException("toolguard.hosting.max-body-bytes must be at least 1024, was " + maxBodyBytes);
    }
    if (answerLease == null || answerLease.isNegative() || answerLease.isZero()) {
      throw new IllegalStateException("toolguard.hosting.answer-lease must be positive (e.g. 10m), was "
          + answerLease);
    }
  }

  /** See the field. */
  public boolean isEnabled() {
    return enabled;
  }

  /** See the field. */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /** See the field. */
  public String getPath() {
    return path;
  }

  /** See the field. */
  public void setPath(String path) {
    this.path = path;
  }

  /** See the field. */
  public @Nullable String getSecret() {
    return secret;
  }

  /** See the field. */
  public void setSecret(@Nullable String secret) {
    this.secret = secret;
  }

  /** See the field. */
  public String getServerLabel() {
    return serverLabel;
  }

  /** See the field. */
  public void setServerLabel(String serverLabel) {
    this.serverLabel = serverLabel;
  }

  /** See the field. */
  public String getModelName() {
    return modelName;
  }

  /** See the field. */
  public void setModelName(String modelName) {
    this.modelName = modelName;
  }

  /** See the field. */
  public int getMaxBodyBytes() {
    return maxBodyBytes;
  }

  /** See the field. */
  public void setMaxBodyBytes(int maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
  }

  /** See the field. */
  public Duration getAnswerLease() {
    return answerLease;
  }

  /** See the field. */
  public void setAnswerLease(Duration answerLease) {
    this.answerLease = answerLease;
  }

  @Override
  public String toString() { // never the secret
    return "ToolGuardHostingProperties[enabled=" + enabled + ", path=" + path + ", secret=" + (secret == null
        ? "unset" : "set") + ", serverLabel=" + serverLabel + "]";
  }
}
