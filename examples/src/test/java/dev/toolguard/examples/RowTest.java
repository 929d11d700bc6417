package dev.toolguard.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.examples.Row.Outcome;
import dev.toolguard.examples.Row.Side;
import org.junit.jupiter.api.Test;

class RowTest {

  @Test
  void aRowIsOneTabSeparatedLineAndReadsBack() {
    Row row = Row.pass(Scenario.USER_BETWEEN, "loop", Side.GUARDED, "MOVE call_1;\tanswer:\nok");

    assertThat(row.line()).isEqualTo("ROW\tuser-between\tloop\tguarded\tPASS\tMOVE call_1; answer: ok");
    assertThat(Row.parse(row.line())).isEqualTo(row);
    assertThat(Row.parse("ROW\tlate-result\tspring-ai\tbare\tN/A\tno 400 without the referee"))
        .isEqualTo(new Row("late-result", "spring-ai", Side.BARE, Outcome.NOT_APPLICABLE, "no 400 without the referee"));
  }

  @Test
  void otherLinesAreNotRows() {
    assertThat(Row.parse("Started Application in 1.2 seconds")).isNull();
    assertThat(Row.parse("ROW\tuser-between\tloop\tsideways\tPASS\tx")).isNull();
    assertThat(Row.parse("ROW\tuser-between\tloop\tbare\tMAYBE\tx")).isNull();
    assertThat(Row.parse("ROW\tuser-between\tloop")).isNull();
    assertThat(Row.parse("ROW\tuser-between\tloop\tbare\tFAIL")).isNotNull();
  }

  @Test
  void longDetailsKeepTheirStartAndTheirEnd() {
    String error = "HTTP 400: An assistant message with 'tool_calls' must be followed by tool messages responding to "
        + "each 'tool_call_id'. The following tool_call_ids did not have response messages: call_1";

    String shortened = Row.shorten(error);

    assertThat(shortened).hasSizeLessThanOrEqualTo(Row.MAX_DETAIL).startsWith("HTTP 400: An assistant message")
        .endsWith("did not have response messages: call_1").contains(" … ");
    assertThat(Row.shorten("short")).isEqualTo("short");
  }
}
