package dev.toolguard.json;

import static dev.toolguard.json.Bodies.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.Dialect;
import dev.toolguard.testkit.RefereeExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The error that check predicts for an OpenAI Chat body is the one the provider answers for that
 * body: the first violation's text is the referee's message, word for word. Where a tool message
 * stands decides the words (a block whose calls lack its id, or no block at all).
 */
class ChatProviderErrorsTest {

  @RegisterExtension
  static final RefereeExtension REFEREE = RefereeExtension.shared();

  private static String refereeMessage(String body) {
    return RefereeVerdicts.refusal(REFEREE.get(), Dialect.OPENAI_CHAT, body);
  }

  private static List<String> predicted(String body) {
    return RefereeVerdicts.predicted(Dialect.OPENAI_CHAT, body);
  }

  static String body(String... messages) {
    return json("{'model':'gpt-4o','messages':[" + String.join(",", messages) + "]}");
  }

  static String call(String... ids) {
    StringBuilder sb = new StringBuilder("{'role':'assistant','content':null,'tool_calls':[");
    for (int i = 0; i < ids.length; i++) {
      sb.append(i == 0 ? "" : ",").append("{'id':'").append(ids[i])
          .append("','type':'function','function':{'name':'get','arguments':'{}'}}");
    }
    return sb.append("]}").toString();
  }

  static String result(String id) {
    return "{'role':'tool','tool_call_id':'" + id + "','content':'r'}";
  }

  static String user(String text) {
    return "{'role':'user','content':'" + text + "'}";
  }

  @Test
  void aRewrittenResultIdIsNotFoundInTheToolCallsOfThePreviousMessage() throws Exception {
    String in = body(user("q"), call("call_a"), result("call_6f1e2d"));
    assertThat(predicted(in)).containsExactly(
        "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'."
            + " The following tool_call_ids did not have response messages: call_a",
        "Invalid parameter: 'tool_call_id' of 'call_6f1e2d' not found in 'tool_calls' of previous message.");
    assertThat(refereeMessage(in)).isEqualTo(
        "Invalid parameter: 'tool_call_id' of 'call_6f1e2d' not found in 'tool_calls' of previous message.");
  }

  @Test
  void aResultAfterAUserMessageMustBeAResponseToAPrecedingMessage() throws Exception {
    String in = body(user("q"), user("again"), result("call_old"));
    assertThat(predicted(in)).containsExactly(
        "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.");
    assertThat(refereeMessage(in)).isEqualTo(predicted(in).get(0));
  }

  @Test
  void aSecondResultInTheSameBlockIsADuplicateValueWithBothPlaces() throws Exception {
    String in = body(user("q"), call("a", "b"), result("a"), result("b"), result("a"));
    assertThat(predicted(in)).containsExactly(
        "Invalid parameter: Duplicate value for 'tool_call_id' of 'a', in messages[2] and messages[4].");
    assertThat(refereeMessage(in)).isEqualTo(predicted(in).get(0));
  }

  @Test
  void theCallsOfAMessageWithoutResultsAreListedTogether() throws Exception {
    String in = body(user("q"), call("a", "b", "c"), result("b"), user("next"));
    assertThat(predicted(in)).containsExactly(
        "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'."
            + " The following tool_call_ids did not have response messages: a, c",
        "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'."
            + " The following tool_call_ids did not have response messages: a, c");
    assertThat(refereeMessage(in)).isEqualTo(predicted(in).get(0));
  }

  @Test
  void aResultAfterAUserMessageTypedWhileItsCallRanIsMissingFromItsBlock() throws Exception {
    String in = body(user("q"), call("a"), user("hurry"), result("a"));
    assertThat(predicted(in)).containsExactly(
        "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'."
            + " The following tool_call_ids did not have response messages: a");
    assertThat(refereeMessage(in)).isEqualTo(predicted(in).get(0));
  }

  @Test
  void aResultBeforeItsCallInAnotherBlockIsNotFound() throws Exception {
    String in = body(user("q"), call("a"), result("a"), result("b"), user("go"), call("b"));
    assertThat(predicted(in).get(0)).isEqualTo(
        "Invalid parameter: 'tool_call_id' of 'b' not found in 'tool_calls' of previous message.");
    assertThat(refereeMessage(in)).isEqualTo(predicted(in).get(0));
  }

  @Test
  void anEmptyResultIdIsNotFoundWhereGivenAndMissingWhereAbsent() throws Exception {
    String empty = body(user("q"), call("call_a"), "{'role':'tool','tool_call_id':'','content':'r'}");
    assertThat(predicted(empty)).contains(refereeMessage(empty))
        .contains("Invalid parameter: 'tool_call_id' of '' not found in 'tool_calls' of previous message.");
    String absent = body(user("q"), call("call_a"), "{'role':'tool','content':'r'}");
    assertThat(predicted(absent)).contains(refereeMessage(absent));
  }
}
