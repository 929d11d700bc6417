package dev.toolguard.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A small server-sent events reader (WHATWG event stream interpretation), for tests. */
final class Sse {

  /** One event: its {@code event:} name (null when none) and its data. */
  record Event(@Nullable String event, String data) {
    JsonNode json() {
      return Http.json(data);
    }

    String type() {
      return json().path("type").asText();
    }
  }

  private Sse() {}

  static List<Event> parse(String stream) {
    List<Event> events = new ArrayList<>();
    String event = null;
    StringBuilder data = null;
    for (String line : stream.split("\r\n|\n|\r", -1)) {
      if (line.isEmpty()) {
        if (data != null) {
          events.add(new Event(event, data.toString()));
        }
        event = null;
        data = null;
        continue;
      }
      if (line.startsWith(":")) {
        continue;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      if (field.equals("event")) {
        event = value;
      } else if (field.equals("data")) {
        data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
      }
    }
    return events;
  }
}
