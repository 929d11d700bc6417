package dev.toolguard.hosting.internal;

import dev.toolguard.core.ToolguardException;
import org.jspecify.annotations.Nullable;

/**
 * A request the hosted endpoint refuses, answered in OpenAI's error shape: {@code
 * {"error":{"message","type","param","code"}}} with {@code status}. Nothing ran.
 */
public final class HostedError extends ToolguardException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String type;
  private final @Nullable String param;
  private final @Nullable String code;

  /** An error with its HTTP status, OpenAI type, the request parameter at fault and a stable code. */
  public HostedError(int status, String type, @Nullable String param, @Nullable String code, String message) {
    super(message);
    this.status = status;
    this.type = type;
    this.param = param;
    this.code = code;
  }

  /** A 400 {@code invalid_request_error}. */
  public static HostedError invalid(@Nullable String param, @Nullable String code, String message) {
    return new HostedError(400, "invalid_request_error", param, code, message);
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** OpenAI's error type ({@code invalid_request_error}, {@code server_error}, …). */
  public String type() {
    return type;
  }

  /** The request parameter at fault, or null. */
  public @Nullable String param() {
    return param;
  }

  /** A stable code, or null. */
  public @Nullable String code() {
    return code;
  }
}
