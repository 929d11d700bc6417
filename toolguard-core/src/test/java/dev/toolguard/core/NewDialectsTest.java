package dev.toolguard.core;

import static dev.toolguard.core.H.calls;
import static dev.toolguard.core.H.history;
import static dev.toolguard.core.H.res;
import static dev.toolguard.core.H.text;
import static dev.toolguard.core.H.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rules of Gemini, Bedrock Converse, Mistral and Ollama, example by example: what check finds, the
 * provider's very words for it ({@code Violation.providerError}), and what repair makes of it.
 */
class NewDialectsTest {

  private final HistoryGuard guard = HistoryGuard.ofDefaults();

  private static List<String> report(RepairResult r) {
    return r.actions().stream().map(RepairAction::toString).toList();
  }

  private RepairResult repairValidly(List<Message> broken, Dialect dialect) {
    assertThat(guard.check(broken, dialect)).isNotEmpty();
    RepairResult r = guard.repair(broken, dialect);
    assertThat(guard.check(r.history(), dialect)).as("repaired history is valid").isEmpty();
    RepairResult again = guard.repair(r.history(), dialect);
    assertThat(again.history()).as("repair is idempotent").isSameAs(r.history());
    assertThat(guard.repair(broken, dialect).history()).as("repair is deterministic").isEqualTo(r.history());
    return r;
  }

  private List<String> errors(List<Message> h, Dialect dialect) {
    return guard.check(h, dialect).stream().map(v -> v.providerError(dialect)).toList();
  }

  private static Message callsOf(String... idAndTool) {
    Content[] contents = new Content[idAndTool.length / 2];
    for (int i = 0; i < contents.length; i++) {
      contents[i] = H.call(idAndTool[2 * i], idAndTool[2 * i + 1]);
    }
    return Message.assistant(contents);
  }

  // ---------------------------------------------------------------- Mistral

  @Test
  void mistralRefusesAnIdThatIsNotNineLettersAndDigitsAndRepairDerivesOne() {
    List<Message> h = history(user("q"), calls("call_0fypS1hVX"), res("call_0fypS1hVX"), text("done"));
    assertThat(guard.check(h, Dialect.MISTRAL)).extracting(Violation::code, Violation::messageIndex)
        .containsExactly(tuple(ViolationCode.INVALID_CALL_ID, 1));
    assertThat(errors(h, Dialect.MISTRAL))
        .containsExactly("Tool call id was call_0fypS1hVX but must be a-z, A-Z, 0-9, with a length of 9.");
    // the other dialects take it
    for (Dialect d : List.of(Dialect.OPENAI_CHAT, Dialect.ANTHROPIC, Dialect.BEDROCK_CONVERSE, Dialect.GEMINI,
        Dialect.OLLAMA)) {
      assertThat(guard.check(h, d)).as("%s", d).isEmpty();
    }
    RepairResult r = repairValidly(h, Dialect.MISTRAL);
    String id = r.history().get(1).toolCalls().get(0).callId();
    assertThat(id).matches("[a-zA-Z0-9]{9}");
    assertThat(r.history().get(2).toolResults().get(0).callId()).isEqualTo(id);
    assertThat(r.history().get(1).toolCalls().get(0).metadata()).containsEntry(Metadata.ORIGINAL_CALL_ID,
        "call_0fypS1hVX");
    assertThat(report(r)).containsExactly("RENAME call_0fypS1hVX -> " + id + " [- -> 1]: call id call_0fypS1hVX breaks"
        + " the mistral id rule (exactly 9 letters and digits); renamed the call and its result to " + id);
  }

  @Test
  void mistralCountsCallsAndResponses() {
    List<Message> h = history(user("q"), calls("abcdefghi", "ABCDEFGHI"), res("abcdefghi"), user("next"));
    assertThat(guard.check(h, Dialect.MISTRAL)).extracting(Violation::code)
        .containsExactly(ViolationCode.MISSING_RESULT);
    assertThat(errors(h, Dialect.MISTRAL)).containsExactly("Not the same number of function calls and responses");
    RepairResult r = repairValidly(h, Dialect.MISTRAL);
    assertThat(r.actions()).extracting(RepairAction::kind).containsExactly(RepairAction.Kind.SYNTHESIZE);
  }

  @Test
  void aReusedMistralIdIsRenamedToNineLettersAndDigitsNeverASuffix() {
    Message again = Message.assistant(ToolCall.of("abcdefghi", "t", "{\"q\":\"other\"}"));
    List<Message> h = history(user("1"), calls("abcdefghi"), res("abcdefghi"), user("2"), again, res("abcdefghi"));
    RepairResult r = repairValidly(h, Dialect.MISTRAL);
    String fresh = r.history().get(4).toolCalls().get(0).callId();
    assertThat(fresh).matches("[a-zA-Z0-9]{9}").isNotEqualTo("abcdefghi");
    assertThat(r.history().get(5).toolResults().get(0).callId()).isEqualTo(fresh);
    // without the dialect the old scheme stays
    assertThat(guard.repair(h).history().get(4).toolCalls().get(0).callId()).isEqualTo("abcdefghi_2");
  }

  // ---------------------------------------------------------------- Bedrock Converse

  @Test
  void bedrockListsTheIdsWithoutResultsAtTheNextMessage() {
    List<Message> h = history(user("q"), calls("a", "b"), res("a"), user("typed meanwhile"));
    assertThat(errors(h, Dialect.BEDROCK_CONVERSE))
        .containsExactly("Expected toolResult blocks at messages.2.content for the following Ids: b");
    RepairResult r = repairValidly(h, Dialect.BEDROCK_CONVERSE);
    assertThat(r.history().get(3).toolResults()).extracting(ToolResult::callId).containsExactly("b");
  }

  @Test
  void bedrockRefusesMoreResultsThanCalls() {
    List<Message> h = history(user("q"), text("no tools needed"), res("x"), user("more"));
    assertThat(errors(h, Dialect.BEDROCK_CONVERSE)).containsExactly(
        "The number of toolResult blocks at messages.2.content exceeds the number of toolUse blocks of previous turn.");
    RepairResult r = repairValidly(h, Dialect.BEDROCK_CONVERSE);
    assertThat(report(r)).containsExactly("DROP x [2 -> -]: removed result x: it answers no call in the history");
  }

  @Test
  void bedrockTakesIdsOfOneToSixtyFourLettersDigitsUnderscoresAndDashes() {
    String tooLong = "tooluse_" + "x".repeat(60);
    List<Message> h = history(user("q"), calls("call.1"), res("call.1"), user("again"), calls(tooLong), res(tooLong));
    assertThat(errors(h, Dialect.BEDROCK_CONVERSE)).containsExactly(
        "1 validation error detected: Value 'call.1' at 'messages.2.member.content.1.member.toolUse.toolUseId' failed"
            + " to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+",
        "1 validation error detected: Value '" + tooLong + "' at 'messages.4.member.content.1.member.toolUse.toolUseId'"
            + " failed to satisfy constraint: Member must have length less than or equal to 64");
    RepairResult r = repairValidly(h, Dialect.BEDROCK_CONVERSE);
    assertThat(r.history().get(1).toolCalls().get(0).callId()).isEqualTo("call_1");
    String shortened = r.history().get(4).toolCalls().get(0).callId();
    assertThat(shortened).hasSize(64).matches("tooluse_x+_[0-9a-f]{8}");
    assertThat(r.history().get(5).toolResults().get(0).callId()).isEqualTo(shortened);
  }

  @Test
  void bedrockRefusesAnErrorResultWithoutContentAndRepairGivesItAText() {
    List<Message> h = history(user("q"), calls("c1"), Message.tool(ToolResult.error("c1", "t", "")), text("ok"));
    assertThat(guard.check(h, Dialect.BEDROCK_CONVERSE)).extracting(Violation::code)
        .containsExactly(ViolationCode.EMPTY_ERROR_RESULT);
    assertThat(errors(h, Dialect.BEDROCK_CONVERSE)).containsExactly(
        "The content field at messages.2.content.0.toolResult cannot be empty when status value is error.");
    assertThat(guard.check(h, Dialect.OPENAI_CHAT)).isEmpty();
    RepairResult r = repairValidly(h, Dialect.BEDROCK_CONVERSE);
    ToolResult given = r.history().get(2).toolResults().get(0);
    assertThat(given.output()).isNotBlank();
    assertThat(given.error()).isTrue();
    assertThat(r.actions()).extracting(RepairAction::kind).containsExactly(RepairAction.Kind.SYNTHESIZE);
  }

  @Test
  void bedrockNeedsTheUsersTurnFirst() {
    List<Message> h = history(H.system("be brief"), calls("c1"), res("c1"), user("and now?"));
    assertThat(errors(h, Dialect.BEDROCK_CONVERSE)).containsExactly(
        "A conversation must start with a user message. Try again with a conversation that starts with a user"
            + " message.");
    RepairResult r = repairValidly(h, Dialect.BEDROCK_CONVERSE);
    assertThat(r.history().get(1)).isEqualTo(new Message(Role.USER,
        List.of(Text.of(RepairPolicy.DEFAULT_CUT_HISTORY_TEXT)), java.util.Map.of(Metadata.SYNTHETIC,
            Metadata.SYNTHETIC_BY_REPAIR)));
  }

  // ---------------------------------------------------------------- Gemini

  @Test
  void geminiJoinsACallTurnToTheModelTurnBeforeIt() {
    List<Message> h = history(user("q"), text("let me look"), calls("c1"), res("c1"), text("done"));
    assertThat(guard.check(h, Dialect.GEMINI)).extracting(Violation::code, Violation::messageIndex)
        .containsExactly(tuple(ViolationCode.CALL_TURN_NOT_AFTER_USER, 2));
    assertThat(errors(h, Dialect.GEMINI)).containsExactly(
        "Please ensure that function call turn comes immediately after a user turn or after a function response turn.");
    RepairResult r = repairValidly(h, Dialect.GEMINI);
    assertThat(r.history()).containsExactly(h.get(0), Message.assistant(Text.of("let me look"), H.call("c1", "t")),
        h.get(3), h.get(4));
    assertThat(report(r)).containsExactly("MOVE c1 [- -> 1]: a turn with calls followed another assistant turn;"
        + " joined it to that turn, after what it said (a turn with calls must come right after a user turn or"
        + " results)");
  }

  @Test
  void aGeminiHistoryThatStartsWithACallGetsAUserTurnFirst() {
    List<Message> h = history(H.system("s"), calls("c1"), res("c1"), text("done"));
    assertThat(errors(h, Dialect.GEMINI)).containsExactly(
        "Please ensure that function call turn comes immediately after a user turn or after a function response turn.");
    RepairResult r = repairValidly(h, Dialect.GEMINI);
    assertThat(r.history().get(1).text()).isEqualTo(RepairPolicy.DEFAULT_CUT_HISTORY_TEXT);
    assertThat(r.history().subList(2, 5)).containsExactly(h.get(1), h.get(2), h.get(3));
  }

  @Test
  void geminiWordsMissingAndStrayResponses() {
    List<Message> missing = history(user("q"), calls("c1", "c2"), res("c1"), user("hi"));
    assertThat(errors(missing, Dialect.GEMINI)).containsExactly("Please ensure that the number of function response"
        + " parts is equal to the number of function call parts of the function call turn.");
    List<Message> stray = history(user("q"), text("nothing to call"), res("x"), user("hi"));
    assertThat(errors(stray, Dialect.GEMINI)).containsExactly(
        "Please ensure that function response turn comes immediately after a function call turn.");
    repairValidly(missing, Dialect.GEMINI);
    repairValidly(stray, Dialect.GEMINI);
  }

  // ---------------------------------------------------------------- Ollama

  @Test
  void ollamaMatchesResultsByOrderSoRepairPutsThemInCallOrder() {
    Message turn = callsOf("c1", "weather", "c2", "time");
    Message second = Message.tool(H.result("c2", "time"));
    Message first = Message.tool(H.result("c1", "weather"));
    List<Message> h = history(user("q"), turn, second, first, text("done"));
    assertThat(guard.check(h, Dialect.OLLAMA)).extracting(Violation::code, Violation::messageIndex)
        .containsExactly(tuple(ViolationCode.RESULT_OUT_OF_ORDER, 3));
    assertThat(guard.check(h, Dialect.OPENAI_CHAT)).isEmpty();
    RepairResult r = repairValidly(h, Dialect.OLLAMA);
    assertThat(r.history()).containsExactly(h.get(0), turn, first, second, h.get(4));
  }

  @Test
  void ollamaMatchesResultsByNameSoRepairNamesTheCallsTool() {
    List<Message> h = history(user("q"), callsOf("c1", "weather"), Message.tool(H.result("c1", "time")));
    assertThat(guard.check(h, Dialect.OLLAMA)).extracting(Violation::code)
        .containsExactly(ViolationCode.RESULT_NAME_MISMATCH);
    RepairResult r = repairValidly(h, Dialect.OLLAMA);
    assertThat(r.history().get(2).toolResults().get(0).name()).isEqualTo("weather");
    assertThat(r.history().get(2).toolResults().get(0).output()).isEqualTo("out-c1");
  }

  // ---------------------------------------------------------------- ids

  @Test
  void eachDialectTakesItsOwnIds() {
    assertThat(Dialect.MISTRAL.acceptsCallId("aB3xK9mP2")).isTrue();
    assertThat(Dialect.MISTRAL.acceptsCallId("call_1_2")).isFalse();
    assertThat(Dialect.MISTRAL.acceptsCallId("aB3xK9mP")).isFalse();
    assertThat(Dialect.BEDROCK_CONVERSE.acceptsCallId("tooluse_kZJMlvQmRJ6eAyJE5GIl7Q")).isTrue();
    assertThat(Dialect.BEDROCK_CONVERSE.acceptsCallId("x".repeat(65))).isFalse();
    assertThat(Dialect.BEDROCK_CONVERSE.acceptsCallId("")).isFalse();
    assertThat(Dialect.ANTHROPIC.acceptsCallId("toolu_01-x")).isTrue();
    assertThat(Dialect.ANTHROPIC.acceptsCallId("call.1")).isFalse();
    assertThat(Dialect.OPENAI_CHAT.acceptsCallId("c".repeat(40))).isTrue();
    assertThat(Dialect.OPENAI_CHAT.acceptsCallId("c".repeat(41))).isFalse();
    assertThat(Dialect.GEMINI.acceptsCallId("any thing: at all")).isTrue();
    assertThat(Dialect.OLLAMA.acceptsCallId("")).isFalse();
  }
}
