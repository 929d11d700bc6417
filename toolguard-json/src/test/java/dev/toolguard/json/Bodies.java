package dev.toolguard.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolguard.core.Dialect;
import dev.toolguard.json.internal.Json;
import java.util.List;
import java.util.stream.Collectors;

/** Helpers for tests on bodies: JSON written with single quotes, tree comparison, report lines. */
final class Bodies {

  private Bodies() {}

  /** {@code text} with single quotes turned into double quotes (test bodies avoid apostrophes). */
  static String json(String text) {
    return text.replace('\'', '"');
  }

  /** The tree of {@code text}, read as the module reads bodies. */
  static JsonNode tree(String text) {
    return Json.parse(text);
  }

  /** Asserts that {@code actual} and {@code expected} are the same JSON value. */
  static void assertSameJson(String actual, String expected) {
    assertThat(tree(actual)).as("JSON value of\n%s", actual).isEqualTo(tree(expected));
  }

  /** Asserts that reading {@code body} and writing it back gives the same JSON value and field order. */
  static void assertRoundTrip(Dialect dialect, String body) {
    WireCodec codec = WireCodec.of(dialect);
    String written = codec.write(codec.read(body));
    assertSameJson(written, body);
    assertThat(written).isEqualTo(Json.write(tree(body)));
  }

  /** The actions as {@code KIND id[ -> new] [from -> to]}, without core's words. */
  static List<String> report(WireRepair repair) {
    return repair.actions().stream()
        .map(a -> a.kind() + " " + (a.callId().isEmpty() ? "(no id)" : a.callId())
            + (a.newCallId() == null ? "" : " -> " + a.newCallId()) + " [" + a.from() + " -> " + a.to() + "]")
        .collect(Collectors.toList());
  }

  /** The violations as {@code CODE path}. */
  static List<String> violations(Dialect dialect, String body) {
    return WireGuard.ofDefaults().check(dialect, body).stream()
        .map(v -> v.code() + " " + v.path())
        .collect(Collectors.toList());
  }

  /**
   * Repairs {@code in}, asserts the repaired body and the report, and that the repaired body is
   * valid and repairs to itself.
   */
  static WireRepair assertRepair(Dialect dialect, String in, String expectedBody, String... expectedReport) {
    WireRepair repair = WireGuard.ofDefaults().repair(dialect, in);
    assertSameJson(repair.body(), expectedBody);
    assertThat(report(repair)).containsExactly(expectedReport);
    assertThat(WireGuard.ofDefaults().check(dialect, repair.body())).as("violations left").isEmpty();
    WireRepair again = WireGuard.ofDefaults().repair(dialect, repair.body());
    assertThat(again.changed()).as("second repair changes nothing").isFalse();
    assertThat(again.body()).isEqualTo(repair.body());
    return repair;
  }

  /** Asserts that {@code body} is valid and that repair gives it back as the same text. */
  static void assertValid(Dialect dialect, String body) {
    assertThat(WireGuard.ofDefaults().check(dialect, body)).isEmpty();
    WireRepair repair = WireGuard.ofDefaults().repair(dialect, body);
    assertThat(repair.changed()).isFalse();
    assertThat(repair.body()).isSameAs(body);
  }
}
