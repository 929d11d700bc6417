package dev.toolguard.json.http.internal;

import org.jspecify.annotations.Nullable;

/**
 * Parses server-sent events line by line, as the HTML standard says: {@code event:} and {@code
 * data:} fields (one space after the colon dropped, several {@code data} lines joined by newlines),
 * comments (lines starting with a colon) and other fields ignored, an event dispatched at a blank
 * line when it has data. Not thread-safe: one per stream.
 */
public final class SseParser {

  /** One event: its type ({@code event:} field) or null, and its data. */
  public record Event(@Nullable String type, String data) {}

  private @Nullable String type;
  private final StringBuilder data = new StringBuilder();
  private boolean hasData;

  /** Feeds one line (without its line break); returns the event it completes, or null. */
  public @Nullable Event line(String line) {
    if (line.isEmpty()) {
      if (!hasData) {
        type = null;
        return null;
      }
      Event e = new Event(type, data.toString());
      type = null;
      data.setLength(0);
      hasData = false;
      return e;
    }
    if (line.charAt(0) == ':') {
      return null; // a comment, such as a keep-alive
    }
    int colon = line.indexOf(':');
    String field = colon < 0 ? line : line.substring(0, colon);
    String value = colon < 0 ? "" : line.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    if (field.equals("data")) {
      if (hasData) {
        data.append('\n');
      }
      data.append(value);
      hasData = true;
    } else if (field.equals("event")) {
      type = value;
    }
    return null;
  }
}
