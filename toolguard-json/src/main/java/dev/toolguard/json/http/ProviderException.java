package dev.toolguard.json.http;

import dev.toolguard.core.Dialect;
import dev.toolguard.core.ToolguardException;
import org.jspecify.annotations.Nullable;

/**
 * A provider request of an {@link HttpChatBackend} failed: the provider answered with an error
 * status (400, 401, 429, 500, …), reported an error inside a stream, sent an answer that could not be
 * read, or no complete answer arrived (the connection failed, timed out, or the stream was cut off).
 *
 * <p>{@link #status()} is the HTTP status received, or 0 when none was; {@link #providerMessage()} is
 * the provider's own error message (for example {@code An assistant message with 'tool_calls' must be
 * followed by tool messages …}), or what went wrong on the way. Transport failures are never thrown
 * as a raw {@code IOException}: they come as this exception with the {@code IOException} as cause.
 * Interruption of the calling thread is not a provider failure: it is thrown as a {@link
 * java.util.concurrent.CancellationException} caused by an {@link InterruptedException}, with the
 * thread's interrupt flag set again.
 */
public class ProviderException extends ToolguardException {

  private static final long serialVersionUID = 1L;

  private final Dialect dialect;
  private final int status;
  private final @Nullable String errorType;
  private final String providerMessage;
  private final @Nullable String requestId;
  private final boolean retryable;

  /**
   * Creates the exception.
   *
   * @param dialect the dialect of the endpoint
   * @param status the HTTP status received, 0 when none was
   * @param errorType the provider's error code or type ({@code invalid_request_error}, {@code
   *     rate_limit_exceeded}, {@code overloaded_error}, …), or null
   * @param providerMessage the provider's error message, or what went wrong
   * @param requestId the provider's request id ({@code x-request-id} or {@code request-id}), or null
   * @param retryable whether sending the same request again may succeed
   * @param cause the underlying failure, or null
   */
  public ProviderException(Dialect dialect, int status, @Nullable String errorType, String providerMessage,
      @Nullable String requestId, boolean retryable, @Nullable Throwable cause) {
    super(describe(dialect, status, errorType, providerMessage, requestId), cause);
    this.dialect = dialect;
    this.status = status;
    this.errorType = errorType;
    this.providerMessage = providerMessage;
    this.requestId = requestId;
    this.retryable = retryable;
  }

  private static String describe(Dialect dialect, int status, @Nullable String errorType, String message,
      @Nullable String requestId) {
    StringBuilder sb = new StringBuilder(dialect.id()).append(": ");
    sb.append(status == 0 ? "no answer" : "HTTP " + status);
    if (errorType != null) {
      sb.append(' ').append(errorType);
    }
    sb.append(": ").append(message);
    if (requestId != null) {
      sb.append(" (request ").append(requestId).append(')');
    }
    return sb.toString();
  }

  /** The dialect of the endpoint that failed. */
  public Dialect dialect() {
    return dialect;
  }

  /** The HTTP status received, or 0 when no answer arrived (connection failed or timed out). */
  public int status() {
    return status;
  }

  /** The provider's error code or type, or null when the answer named none. */
  public @Nullable String errorType() {
    return errorType;
  }

  /** The provider's error message, exactly as sent, or a description of what went wrong on the way. */
  public String providerMessage() {
    return providerMessage;
  }

  /** The provider's id of the request, when the answer had one. */
  public @Nullable String requestId() {
    return requestId;
  }

  /**
   * True when the same request may succeed later: no answer or a cut-off stream, 408, 409, 429 and
   * 5xx statuses, and errors the provider reports as transient (overloaded) inside a stream.
   */
  public boolean retryable() {
    return retryable;
  }
}
