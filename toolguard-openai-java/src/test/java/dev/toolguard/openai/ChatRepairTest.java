package dev.toolguard.openai;

import static dev.toolguard.openai.Wire.chatParams;
import static dev.toolguard.openai.Wire.json;
import static dev.toolguard.openai.Wire.messages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageParam;
import dev.toolguard.core.InvalidHistoryException;
import dev.toolguard.core.RepairAction;
import dev.toolguard.core.RepairResult;
import dev.toolguard.core.loop.LoopConfig.HistoryPolicy;
import dev.toolguard.openai.internal.RequestGuard;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Chat Completions params repaired by the guard, without HTTP: one test per failure class. */
class ChatRepairTest {

  private final List<RepairResult> repairs = new ArrayList<>();
  private final RequestGuard guard = new RequestGuard(ToolGuardOptions.builder().onRepair(repairs::add).build());

  private static final String CALL_A = "{'role':'assistant','content':null,'tool_calls':[{'id':'call_a','type':'function',"
      + "'function':{'name':'weather','arguments':'{\\'city\\':\\'Paris\\'}'}}]}";
  private static final String CALLS_AB = "{'role':'assistant','tool_calls':["
      + "{'id':'call_a','type':'function','function':{'name':'weather','arguments':'{}'}},"
      + "{'id':'call_b','type':'function','function':{'name':'time','arguments':'{}'}}]}";

  private static String tool(String id, String out) {
    return "{'role':'tool','tool_call_id':'" + id + "','content':'" + out + "'}";
  }

  private static String user(String text) {
    return "{'role':'user','content':'" + text + "'}";
  }

  private static String list(String... messages) {
    return "[" + String.join(",", messages) + "]";
  }

  @Test
  void aValidRequestIsTheSameParamsObject() {
    ChatCompletionCreateParams params = chatParams(list("{'role':'system','content':'be brief'}", user("hi"), CALLS_AB,
        tool("call_b", "noon"), tool("call_a", "sunny"), "{'role':'assistant','content':'done'}"));
    assertThat(guard.chat(params)).isSameAs(params);
    assertThat(repairs).isEmpty();
  }

  @Test
  void aUserMessageBetweenCallAndResultMovesAfterTheResult() {
    ChatCompletionCreateParams params = chatParams(list(user("weather?"), CALL_A, user("hurry"), tool("call_a", "sunny")));
    ChatCompletionCreateParams repaired = guard.chat(params);
    assertThat(messages(repaired)).isEqualTo(json(list(user("weather?"), CALL_A, tool("call_a", "sunny"), user("hurry"))));
    // unchanged messages are the very same objects
    assertThat(repaired.messages().get(1)).isSameAs(params.messages().get(1));
    assertThat(repaired.messages().get(2)).isSameAs(params.messages().get(3));
    assertThat(repaired.model()).isEqualTo(params.model());
    assertThat(repairs).singleElement().extracting(r -> r.actions().get(0).kind()).isEqualTo(RepairAction.Kind.MOVE);
  }

  @Test
  void aResultWhoseCallWasEvictedIsDropped() {
    ChatCompletionCreateParams params = chatParams(list(user("weather?"), tool("call_a", "sunny"), user("and now?")));
    assertThat(messages(guard.chat(params))).isEqualTo(json(list(user("weather?"), user("and now?"))));
  }

  @Test
  void aCallWhoseResultWasLostGetsAnErrorResult() {
    ChatCompletionCreateParams params = chatParams(list(user("weather?"), CALL_A, user("hello?")));
    List<ChatCompletionMessageParam> out = guard.chat(params).messages();
    assertThat(out).hasSize(4);
    assertThat(out.get(2).asTool().toolCallId()).isEqualTo("call_a");
    assertThat(out.get(2).asTool().content().asText()).contains("call_a", "did not complete");
    assertThat(out.get(3)).isSameAs(params.messages().get(2));
  }

  @Test
  void aRewrittenResultIdIsBoundToTheOnlyCallItCanAnswer() {
    ChatCompletionCreateParams params = chatParams(list(user("weather?"), CALL_A, tool("call_db-7f3a", "sunny")));
    assertThat(messages(guard.chat(params))).isEqualTo(json(list(user("weather?"), CALL_A, tool("call_a", "sunny"))));
  }

  @Test
  void duplicateAndLateResultsAreDeduplicated() {
    ChatCompletionCreateParams params = chatParams(list(user("q"), CALL_A, tool("call_a", "sunny"),
        "{'role':'assistant','content':'ok'}", tool("call_a", "sunny (retry)")));
    assertThat(messages(guard.chat(params))).isEqualTo(json(list(user("q"), CALL_A, tool("call_a", "sunny"),
        "{'role':'assistant','content':'ok'}")));
  }

  @Test
  void parallelResultsSplitByAUserMessageAreJoined() {
    ChatCompletionCreateParams params = chatParams(list(user("q"), CALLS_AB, tool("call_a", "sunny"), user("typing"),
        tool("call_b", "noon")));
    assertThat(messages(guard.chat(params))).isEqualTo(json(list(user("q"), CALLS_AB, tool("call_a", "sunny"),
        tool("call_b", "noon"), user("typing"))));
  }

  @Test
  void aReusedCallIdIsRenamedWithItsResultAndStaysWithinFortyCharacters() {
    // another call (other arguments) with the same id; an exact copy would be dropped instead (issue 16)
    ChatCompletionCreateParams params = chatParams(list(user("q"), CALL_A, tool("call_a", "sunny"), user("again"),
        CALL_A.replace("Paris", "Rome"), tool("call_a", "rainy")));
    List<ChatCompletionMessageParam> out = guard.chat(params).messages();
    String renamed = out.get(4).asAssistant().toolCalls().orElseThrow().get(0).asFunction().id();
    assertThat(renamed).isNotEqualTo("call_a").hasSizeLessThanOrEqualTo(40);
    assertThat(out.get(5).asTool().toolCallId()).isEqualTo(renamed);
    assertThat(out.get(5).asTool().content().asText()).isEqualTo("rainy");
    assertThat(out.get(1)).isSameAs(params.messages().get(1));
  }

  @Test
  void fieldsCoreDoesNotModelSurviveARebuild() {
    String assistant = "{'role':'assistant','name':'bot','refusal':null,'content':'checking','x_custom':7,'tool_calls':["
        + "{'id':'call_a','type':'function','function':{'name':'weather','arguments':'{}'}},"
        + "{'id':'call_a','type':'function','function':{'name':'weather','arguments':'{\\'n\\':2}'}}]}";
    String toolMsg = "{'role':'tool','tool_call_id':'call_a','content':[{'type':'text','text':'sunny'}],'x_trace':'t1'}";
    ChatCompletionCreateParams params = chatParams(list("{'role':'user','name':'ann','content':[{'type':'text','text':'hi'},"
        + "{'type':'image_url','image_url':{'url':'https://example.org/a.png'}}]}", assistant, toolMsg));
    List<ChatCompletionMessageParam> out = guard.chat(params).messages();
    var json = Wire.tree(out);
    assertThat(out.get(0)).isSameAs(params.messages().get(0));
    assertThat(json.get(1).get("name").asText()).isEqualTo("bot");
    assertThat(json.get(1).get("x_custom").asInt()).isEqualTo(7);
    assertThat(json.get(1).get("content").asText()).isEqualTo("checking");
    assertThat(json.get(1).get("tool_calls")).hasSize(2);
    assertThat(out.get(2)).isSameAs(params.messages().get(2));
    assertThat(json.get(3).get("tool_call_id").asText()).isEqualTo(json.get(1).get("tool_calls").get(1).get("id").asText());
  }

  @Test
  void rejectPolicyThrowsNamingTheCallAndTheRule() {
    RequestGuard strict = new RequestGuard(ToolGuardOptions.builder().historyPolicy(HistoryPolicy.REJECT).build());
    ChatCompletionCreateParams params = chatParams(list(user("weather?"), CALL_A, user("hello?")));
    assertThatThrownBy(() -> strict.chat(params)).isInstanceOf(InvalidHistoryException.class)
        .hasMessageContaining("call_a").hasMessageContaining("MISSING_RESULT");
    ChatCompletionCreateParams valid = chatParams(list(user("hi")));
    assertThat(strict.chat(valid)).isSameAs(valid);
  }
}
