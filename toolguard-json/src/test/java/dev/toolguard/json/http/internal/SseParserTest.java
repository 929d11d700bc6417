package dev.toolguard.json.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {

  private static List<SseParser.Event> parse(String... lines) {
    SseParser p = new SseParser();
    List<SseParser.Event> out = new ArrayList<>();
    for (String line : lines) {
      SseParser.Event e = p.line(line);
      if (e != null) {
        out.add(e);
      }
    }
    return out;
  }

  @Test
  void anEventIsDispatchedAtTheBlankLineWithItsType() {
    assertThat(parse("event: message_start", "data: {\"a\":1}", "", "data: [DONE]", ""))
        .containsExactly(new SseParser.Event("message_start", "{\"a\":1}"), new SseParser.Event(null, "[DONE]"));
  }

  @Test
  void severalDataLinesAreJoinedByNewlinesAndOneLeadingSpaceIsDropped() {
    assertThat(parse("data:first", "data:  second", "", "")).containsExactly(new SseParser.Event(null, "first\n second"));
  }

  @Test
  void commentsOtherFieldsAndEventsWithoutDataAreIgnored() {
    assertThat(parse(": keep-alive", "", "id: 7", "retry: 1000", "", "event: ping", "", "data", ""))
        .containsExactly(new SseParser.Event(null, ""));
  }

  @Test
  void anEventTypeDoesNotCarryOverToTheNextEvent() {
    assertThat(parse("event: a", "data: 1", "", "data: 2", ""))
        .containsExactly(new SseParser.Event("a", "1"), new SseParser.Event(null, "2"));
  }

  @Test
  void anUnfinishedEventAtTheEndIsNotDispatched() {
    assertThat(parse("data: {\"half\":")).isEmpty();
  }
}
