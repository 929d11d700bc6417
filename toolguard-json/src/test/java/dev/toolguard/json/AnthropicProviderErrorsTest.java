package dev.toolguard.json;

import static dev.toolguard.json.Bodies.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.Dialect;
import dev.toolguard.testkit.RefereeExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The error that check predicts for an Anthropic body is the one the provider answers for that body,
 * word for word and with the body's indexes: the referee's message is among check's, and check words
 * the fault as the provider meets it (merged turns, the unanswered ids of a message listed together,
 * the block of a second result, the id of a result that breaks the pattern).
 */
class AnthropicProviderErrorsTest {

  @RegisterExtension
  static final RefereeExtension REFEREE = RefereeExtension.shared();

  private static String refereeMessage(String body) {
    return RefereeVerdicts.refusal(REFEREE.get(), Dialect.ANTHROPIC, body);
  }

  private static List<String> predicted(String body) {
    return RefereeVerdicts.predicted(Dialect.ANTHROPIC, body);
  }

  static String body(String... messages) {
    return json("{'model':'claude-sonnet-4-5','max_tokens':512,'messages':[" + String.join(",", messages) + "]}");
  }

  static String user(String text) {
    return "{'role':'user','content':'" + text + "'}";
  }

  static String call(String... ids) {
    List<String> blocks = new ArrayList<>();
    for (String id : ids) {
      blocks.add("{'type':'tool_use','id':'" + id + "','name':'get','input':{}}");
    }
    return "{'role':'assistant','content':[" + String.join(",", blocks) + "]}";
  }

  static String results(String... blocks) {
    return "{'role':'user','content':[" + String.join(",", blocks) + "]}";
  }

  static String result(String id) {
    return "{'type':'tool_result','tool_use_id':'" + id + "','content':'r'}";
  }

  private static final String WITHOUT = ": `tool_use` ids were found without `tool_result` blocks immediately after: ";
  private static final String EACH = ". Each `tool_use` block must have a corresponding `tool_result` block in the"
      + " next message.";

  @Test
  void theUnansweredIdsOfAMessageAreListedTogether() throws Exception {
    String in = body(user("q"), call("toolu_a", "toolu_b", "toolu_c"), results(result("toolu_b")));
    String expected = "messages.1" + WITHOUT + "toolu_a, toolu_c" + EACH;
    assertThat(predicted(in)).containsOnly(expected);
    assertThat(refereeMessage(in)).isEqualTo(expected);
  }

  @Test
  void indexesAreTheBodysAfterMergedTurns() throws Exception {
    // two assistant messages are one turn: the unanswered id is named at the message of its block
    String in = body(user("q"), call("toolu_a"), call("toolu_b"), results(result("toolu_a")), user("and?"));
    String expected = "messages.2" + WITHOUT + "toolu_b" + EACH;
    assertThat(predicted(in)).contains(expected);
    assertThat(refereeMessage(in)).isEqualTo(expected);
  }

  @Test
  void aSecondResultForOneCallIsNamedAtItsBlock() throws Exception {
    String in = body(user("q"), call("toolu_a"), results(result("toolu_a"), result("toolu_a")));
    String expected = "messages.2.content.1: each tool_use must have a single result. Found multiple `tool_result`"
        + " blocks with id: toolu_a";
    assertThat(predicted(in)).containsExactly(expected);
    assertThat(refereeMessage(in)).isEqualTo(expected);
  }

  @Test
  void aResultIdOutsideThePatternIsRefusedAtTheResult() throws Exception {
    String in = body(user("q"), results(result("call:0")), call("toolu_a"), results(result("toolu_a")));
    String expected = "messages.1.content.0.tool_result.tool_use_id: String should match pattern '^[a-zA-Z0-9_-]+$'";
    assertThat(predicted(in)).contains(expected);
    assertThat(refereeMessage(in)).isEqualTo(expected);
  }

  @Test
  void aToolUseWithoutAnIdIsAMissingField() throws Exception {
    String in = body(user("q"), "{'role':'assistant','content':[{'type':'tool_use','name':'get','input':{}}]}",
        results(result("toolu_a")));
    String expected = "messages.1.content.0.tool_use.id: Field required";
    assertThat(predicted(in)).contains(expected);
    assertThat(refereeMessage(in)).isEqualTo(expected);
  }

  @Test
  void aResultWithoutAnIdIsAMissingField() throws Exception {
    String in = body(user("q"), call("toolu_a"),
        results(result("toolu_a"), "{'type':'tool_result','content':'lost'}"));
    String expected = "messages.2.content.1.tool_result.tool_use_id: Field required";
    assertThat(predicted(in)).contains(expected);
    assertThat(refereeMessage(in)).isEqualTo(expected);
  }

  @Test
  void aStrayResultInTheMiddleOfAnswersIsNamedAtItsBlock() throws Exception {
    String in = body(user("q"), call("toolu_a"), results(result("toolu_a"), result("toolu_x")));
    String expected = "messages.2.content.1: unexpected `tool_use_id` found in `tool_result` blocks: toolu_x. Each"
        + " `tool_result` block must have a corresponding `tool_use` block in the previous message.";
    assertThat(predicted(in)).containsExactly(expected);
    assertThat(refereeMessage(in)).isEqualTo(expected);
  }

  @Test
  void aResultOneTurnLateIsTheCallsMissingResultFirst() throws Exception {
    String in = body(user("q"), call("toolu_a"), user("still there?"), call("toolu_b"),
        results(result("toolu_b"), result("toolu_a")));
    String expected = "messages.1" + WITHOUT + "toolu_a" + EACH;
    assertThat(predicted(in)).contains(expected);
    assertThat(refereeMessage(in)).isEqualTo(expected);
  }
}
