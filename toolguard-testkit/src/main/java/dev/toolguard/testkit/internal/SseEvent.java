package dev.toolguard.testkit.internal;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * One server-sent event.
 *
 * @param event the {@code event:} name, or null for a data-only event (Chat Completions)
 * @param data the {@code data:} payload, one line (compact JSON or {@code [DONE]})
 */
public record SseEvent(@Nullable String event, String data) {

  /** The event on the wire, ending with the blank line. */
  public byte[] bytes() {
    String text = (event == null ? "" : "event: " + event + "\n") + "data: " + data + "\n\n";
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
