package dev.toolguard.json;

import static dev.toolguard.json.Bodies.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.Dialect;
import dev.toolguard.testkit.RefereeExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The error that check predicts for a Responses body is the one the service answers for it, word
 * for word: an output before any call of its id has no tool call; an id called twice, or answered
 * twice, is refused at whichever of the two the service meets first in the input.
 */
class ResponsesProviderErrorsTest {

  @RegisterExtension
  static final RefereeExtension REFEREE = RefereeExtension.shared();

  private static String refereeMessage(String body) {
    return RefereeVerdicts.refusal(REFEREE.get(), Dialect.OPENAI_RESPONSES, body);
  }

  private static List<String> predicted(String body) {
    return RefereeVerdicts.predicted(Dialect.OPENAI_RESPONSES, body);
  }

  private static String body(String... items) {
    return json("{'model':'gpt-5','input':[" + String.join(",", items) + "]}");
  }

  private static final String USER = "{'role':'user','content':'q'}";

  private static String call(String id) {
    return "{'type':'function_call','call_id':'" + id + "','name':'get','arguments':'{}'}";
  }

  private static String output(String id) {
    return "{'type':'function_call_output','call_id':'" + id + "','output':'r'}";
  }

  /** The first predicted text is the service's; returns all of them. */
  private static List<String> agreesWithTheService(String body) {
    List<String> predicted = predicted(body);
    assertThat(predicted).isNotEmpty();
    assertThat(predicted.get(0)).isEqualTo(refereeMessage(body));
    return predicted;
  }

  @Test
  void anIdCalledAgainBeforeItIsAnsweredAgainIsADuplicateCall() {
    List<String> errors = agreesWithTheService(body(USER, call("a"), output("a"), call("a"), output("a")));
    assertThat(errors).first().isEqualTo("Duplicate function call found with call_id a.");
  }

  @Test
  void anIdAnsweredAgainBeforeItIsCalledAgainIsADuplicateOutputEvenWhereTheCallIsReported() {
    // the second output (item 3) comes before the second call (item 4): the service meets the output
    // first, so the repeated call is worded as the duplicate output too
    String in = body(USER, call("a"), output("a"), output("a"), call("a"));
    List<String> errors = agreesWithTheService(in);
    assertThat(errors).isNotEmpty().allMatch("Duplicate function call output found with call_id a."::equals);
  }

  @Test
  void aSecondOutputOfOneCallIsADuplicateOutput() {
    List<String> errors = agreesWithTheService(body(USER, call("a"), output("a"), output("a")));
    assertThat(errors).containsExactly("Duplicate function call output found with call_id a.");
  }

  @Test
  void anOutputWithoutAnyCallHasNoToolCall() {
    List<String> errors = agreesWithTheService(body(USER, call("b"), output("b"), output("gone")));
    assertThat(errors).containsExactly("No tool call found for function call output with call_id gone.");
  }

  @Test
  void anOutputBeforeItsCallHasNoToolCall() {
    List<String> errors = agreesWithTheService(body(USER, output("a"), call("a")));
    assertThat(errors).first().isEqualTo("No tool call found for function call output with call_id a.");
  }

  @Test
  void aSecondOutputAfterAnAnsweredCallIsADuplicateOutputNotAMissingCall() {
    // the call is before both outputs: the service finds it, and refuses the second output
    String in = body(USER, call("a"), output("a"), USER, output("a"));
    List<String> errors = agreesWithTheService(in);
    assertThat(errors).first().isEqualTo("Duplicate function call output found with call_id a.");
  }
}
