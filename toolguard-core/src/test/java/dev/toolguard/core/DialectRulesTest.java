package dev.toolguard.core;

import static dev.toolguard.core.H.calls;
import static dev.toolguard.core.H.history;
import static dev.toolguard.core.H.res;
import static dev.toolguard.core.H.synthetic;
import static dev.toolguard.core.H.text;
import static dev.toolguard.core.H.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The rules that check and repair apply for a known dialect, beside the invariant: no stricter than
 * the provider (OpenAI Responses takes a result anywhere after its call), and as strict as it
 * (Anthropic needs the user's turn first); and exact replays of calls, in any dialect.
 */
class DialectRulesTest {

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
    return r;
  }

  // ---------------------------------------------------------------- Anthropic: the user's turn first

  @Test
  void anthropicHistoryThatStartsWithTheAssistantIsAViolationWithTheProvidersWords() {
    List<Message> cut = history(H.system("be brief"), calls("c1"), res("c1"), text("done"));
    assertThat(guard.check(cut, Dialect.ANTHROPIC)).singleElement().satisfies(v -> {
      assertThat(v.code()).isEqualTo(ViolationCode.FIRST_MESSAGE_NOT_USER);
      assertThat(v.messageIndex()).isEqualTo(1);
      assertThat(v.callId()).isEmpty();
      assertThat(v.providerError(Dialect.ANTHROPIC)).isEqualTo("messages: first message must use the \"user\" role");
      assertThat(v.providerError(Dialect.OPENAI_CHAT)).isEmpty();
    });
    // the OpenAI APIs take it, and so do check and repair without a dialect
    assertThat(guard.check(cut, Dialect.OPENAI_CHAT)).isEmpty();
    assertThat(guard.check(cut, Dialect.OPENAI_RESPONSES)).isEmpty();
    assertThat(guard.check(cut)).isEmpty();
    assertThat(guard.repair(cut, Dialect.OPENAI_CHAT).history()).isSameAs(cut);
  }

  @Test
  void anthropicRepairPutsAUserTurnFirstThatSaysEarlierMessagesWereCut() {
    List<Message> cut = history(H.system("be brief"), calls("c1"), res("c1"), text("done"));
    RepairResult r = repairValidly(cut, Dialect.ANTHROPIC);
    assertThat(r.history()).hasSize(5);
    assertThat(r.history().get(0)).isSameAs(cut.get(0));
    Message inserted = r.history().get(1);
    assertThat(inserted.role()).isEqualTo(Role.USER);
    assertThat(inserted.contents()).containsExactly(Text.of("[earlier messages were cut]"));
    assertThat(inserted.metadata()).containsEntry(Metadata.SYNTHETIC, Metadata.SYNTHETIC_BY_REPAIR);
    assertThat(r.history().subList(2, 5)).containsExactlyElementsOf(cut.subList(1, 4));
    assertThat(report(r)).containsExactly("SYNTHESIZE (no id) [- -> 1]: the history starts with an assistant"
        + " message (its first turns were cut); put a user turn first that says so, as the first turn must be the"
        + " user's");
  }

  @Test
  void anthropicOrphanResultsAtTheFrontOfACutHistoryGoAndAUserTurnTakesTheirPlace() {
    // a window kept the results of a call it cut: the only user turn was those results
    List<Message> cut = history(res("c0"), calls("c1"), res("c1"), text("done"));
    assertThat(guard.check(cut, Dialect.ANTHROPIC)).extracting(Violation::code, Violation::messageIndex)
        .containsExactly(tuple(ViolationCode.ORPHAN_RESULT, 0));
    RepairResult r = repairValidly(cut, Dialect.ANTHROPIC);
    assertThat(r.history().get(0).contents()).containsExactly(Text.of("[earlier messages were cut]"));
    assertThat(r.history().subList(1, 4)).containsExactlyElementsOf(cut.subList(1, 4));
    // the indexes of the other actions count the turn put first
    assertThat(report(r)).containsExactly(
        "DROP c0 [0 -> -]: removed result c0: it answers no call in the history",
        "SYNTHESIZE (no id) [- -> 0]: the history starts with an assistant message (its first turns were cut); put"
            + " a user turn first that says so, as the first turn must be the user's");
    // without the dialect, nothing is put first
    assertThat(guard.repair(cut).history()).containsExactlyElementsOf(cut.subList(1, 4));
  }

  @Test
  void anthropicCutTextFollowsThePolicy() {
    HistoryGuard custom = HistoryGuard.of(RepairPolicy.builder().cutHistoryText("(history trimmed)").build());
    RepairResult r = custom.repair(history(text("hello")), Dialect.ANTHROPIC);
    assertThat(r.history().get(0).contents()).containsExactly(Text.of("(history trimmed)"));
    assertThat(r.history().get(1).contents()).containsExactly(Text.of("hello"));
  }

  @Test
  void anthropicHistoryThatStartsWithTheUserOrIsOnlySystemIsLeftAlone() {
    List<Message> fine = history(user("hi"), calls("c1"), res("c1"));
    assertThat(guard.repair(fine, Dialect.ANTHROPIC).history()).isSameAs(fine);
    List<Message> system = history(H.system("only"));
    assertThat(guard.check(system, Dialect.ANTHROPIC)).isEmpty();
    assertThat(guard.repair(system, Dialect.ANTHROPIC).history()).isSameAs(system);
  }

  // ---------------------------------------------------------------- OpenAI Responses: results after their calls

  @Test
  void responsesTakesAResultAfterOtherItemsAndRepairLeavesItAsItIs() {
    List<Message> h = history(user("weather?"), calls("c1"), user("hurry up"), text("working"), res("c1"),
        text("sunny"));
    assertThat(guard.check(h, Dialect.OPENAI_RESPONSES)).isEmpty();
    RepairResult r = guard.repair(h, Dialect.OPENAI_RESPONSES);
    assertThat(r.history()).isSameAs(h);
    assertThat(r.actions()).isEmpty();
    // the other dialects need the result right after its call
    assertThat(guard.check(h, Dialect.OPENAI_CHAT)).extracting(Violation::code)
        .containsExactly(ViolationCode.MISPLACED_RESULT);
    assertThat(guard.check(h, Dialect.ANTHROPIC)).extracting(Violation::code)
        .containsExactly(ViolationCode.MISPLACED_RESULT);
  }

  @Test
  void responsesTakesTheResultOfAnEarlierTurnAfterALaterOne() {
    List<Message> h = history(user("go"), calls("a"), user("and"), calls("b"), res("b"), res("a"), text("ok"));
    assertThat(guard.check(h, Dialect.OPENAI_RESPONSES)).isEmpty();
    assertThat(guard.repair(h, Dialect.OPENAI_RESPONSES).history()).isSameAs(h);
  }

  @Test
  void responsesResultBeforeItsCallIsMisplacedAndMovedAfterIt() {
    List<Message> h = history(user("go"), res("c1"), calls("c1"), text("ok"));
    assertThat(guard.check(h, Dialect.OPENAI_RESPONSES)).singleElement().satisfies(v -> {
      assertThat(v.code()).isEqualTo(ViolationCode.MISPLACED_RESULT);
      assertThat(v.providerError(Dialect.OPENAI_RESPONSES))
          .isEqualTo("No tool call found for function call output with call_id c1.");
    });
    RepairResult r = repairValidly(h, Dialect.OPENAI_RESPONSES);
    assertThat(r.history()).containsExactly(h.get(0), h.get(2), h.get(1), h.get(3));
    assertThat(report(r)).containsExactly("MOVE c1 [1 -> 2]: moved the result of call c1 to directly after its call");
  }

  @Test
  void responsesRepairFixesWhatIsBrokenAndLeavesResultsAfterTheirCallsWhereTheyStand() {
    List<Message> h = history(user("go"), calls("c1"), user("meanwhile"), res("c1"), calls("c2"), user("more"),
        res("c1"));
    RepairResult r = repairValidly(h, Dialect.OPENAI_RESPONSES);
    assertThat(r.history()).containsExactly(h.get(0), h.get(1), h.get(2), h.get(3), h.get(4),
        Message.tool(synthetic("c2", "t")), h.get(5));
    assertThat(report(r)).containsExactly(
        "DEDUPLICATE c1 [6 -> -]: removed a second result for call c1; kept the first successful one",
        "SYNTHESIZE c2 [- -> 5]: call c2 of tool 't' had no result anywhere; added an error result");
  }

  // ---------------------------------------------------------------- exact replays

  @Test
  void anExactCopyOfACallAndItsResultIsDroppedNotRenamed() {
    List<Message> h = history(user("1"), calls("c1"), res("c1"), text("ok"), user("2"), calls("c1"), res("c1"),
        text("ok again"));
    assertThat(guard.check(h)).extracting(Violation::code, Violation::messageIndex, Violation::callId)
        .containsExactly(tuple(ViolationCode.REPEATED_CALL, 5, "c1"), tuple(ViolationCode.DUPLICATE_RESULT, 6, "c1"));
    for (Dialect d : Dialect.values()) {
      if (d == Dialect.MISTRAL) {
        continue; // c1 is not a Mistral id: MistralDialectTest
      }
      RepairResult r = repairValidly(h, d);
      assertThat(r.history()).containsExactly(h.get(0), h.get(1), h.get(2), h.get(3), h.get(4), h.get(7));
      assertThat(report(r)).containsExactly(
          "DEDUPLICATE c1 [5 -> -]: removed call c1 of tool 't': an exact copy of the call in message 1 (same id,"
              + " tool and arguments); its results answer that call",
          "DEDUPLICATE c1 [6 -> -]: removed a second result for call c1; kept the first successful one");
    }
  }

  @Test
  void aReplayedCallWhoseFirstHasNoResultGivesItItsResult() {
    // the process crashed before the result was stored; the turn was sent again and answered
    List<Message> h = history(user("1"), calls("c1"), user("retry"), calls("c1"), res("c1"), text("ok"));
    RepairResult strict = repairValidly(h, Dialect.OPENAI_CHAT);
    assertThat(strict.history()).containsExactly(h.get(0), h.get(1), h.get(4), h.get(2), h.get(5));
    assertThat(report(strict)).containsExactly(
        "DEDUPLICATE c1 [3 -> -]: removed call c1 of tool 't': an exact copy of the call in message 1 (same id,"
            + " tool and arguments); its results answer that call",
        "MOVE c1 [4 -> 2]: moved the result of call c1 to directly after its call");
    // Responses takes the result where it stands
    RepairResult responses = repairValidly(h, Dialect.OPENAI_RESPONSES);
    assertThat(responses.history()).containsExactly(h.get(0), h.get(1), h.get(2), h.get(4), h.get(5));
    assertThat(responses.actions()).extracting(RepairAction::kind).containsExactly(RepairAction.Kind.DEDUPLICATE);
  }

  @Test
  void aReplayKeepsWhatTheAssistantSaidBesideTheCall() {
    Message first = Message.assistant(Text.of("let me look"), H.call("c1", "t"));
    Message copy = Message.assistant(Text.of("let me look"), H.call("c1", "t"));
    List<Message> h = history(user("1"), first, res("c1"), copy, res("c1"));
    RepairResult r = repairValidly(h, Dialect.OPENAI_CHAT);
    assertThat(r.history()).containsExactly(h.get(0), first, h.get(2), Message.assistant("let me look"));
  }

  @Test
  void aCallWithTheSameIdButOtherArgumentsOrAttributesIsRenamed() {
    ToolCall other = ToolCall.of("c1", "t", "{\"q\":\"other\"}");
    ToolCall attributed = new ToolCall("c1", "t", H.call("c1", "t").argumentsJson(), false, Map.of("item", "fc_2"));
    for (ToolCall second : List.of(other, attributed)) {
      List<Message> h = history(user("1"), calls("c1"), res("c1"), Message.assistant(second), res("c1"));
      assertThat(guard.check(h)).extracting(Violation::code).containsExactly(ViolationCode.DUPLICATE_CALL_ID);
      RepairResult r = repairValidly(h, Dialect.OPENAI_CHAT);
      assertThat(r.history().get(3).toolCalls().get(0).callId()).isEqualTo("c1_2");
      assertThat(r.actions()).extracting(RepairAction::kind).containsExactly(RepairAction.Kind.RENAME);
    }
  }

  @Test
  void argumentsAreComparedAsJsonValues() {
    ToolCall spaced = ToolCall.of("c1", "t", "{ \"q\" : \"c1\" }");
    List<Message> h = history(user("1"), calls("c1"), res("c1"), Message.assistant(spaced));
    assertThat(guard.check(h)).extracting(Violation::code).containsExactly(ViolationCode.REPEATED_CALL);
  }
}
