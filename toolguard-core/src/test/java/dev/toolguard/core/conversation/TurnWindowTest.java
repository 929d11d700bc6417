package dev.toolguard.core.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.InvalidMessageException;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TurnWindowTest {

  private static final Message SYSTEM = Message.system("be brief");

  private static List<Message> turnWithCall(String question, String id) {
    return List.of(Message.user(question), Message.assistant(ToolCall.of(id, "lookup", "{}")),
        Message.tool(ToolResult.of(id, "lookup", "found " + id)), Message.assistant("answer " + id));
  }

  private static List<Message> history(Message... prefix) {
    List<Message> h = new ArrayList<>(List.of(prefix));
    h.addAll(turnWithCall("q1", "c1"));
    h.addAll(turnWithCall("q2", "c2"));
    h.addAll(turnWithCall("q3", "c3"));
    return h;
  }

  @Test
  void aHistoryThatFitsComesBackAsItIs() {
    List<Message> h = history(SYSTEM);
    assertThat(TurnWindow.ofMessages(13).apply(h)).isSameAs(h);
    assertThat(TurnWindow.ofMessages(13).cut(h)).isZero();
  }

  @Test
  void evictsWholeTurnsOldestFirstAndKeepsTheSystemMessage() {
    List<Message> h = history(SYSTEM);
    // 13 messages; 9 allowed: the system message and two turns of four
    List<Message> w = TurnWindow.ofMessages(9).apply(h);
    assertThat(w).hasSize(9).startsWith(SYSTEM);
    assertThat(w.subList(1, 9)).isEqualTo(h.subList(5, 13));
    assertThat(HistoryGuard.ofDefaults().check(w)).isEmpty();
    // 8 allowed: a turn and the system message (5); never a cut inside a turn
    assertThat(TurnWindow.ofMessages(8).apply(h)).containsExactlyElementsOf(
        concat(List.of(SYSTEM), h.subList(9, 13)));
  }

  @Test
  void aTurnOverTheLimitOnItsOwnIsKeptWholeWithTheSystemMessage() {
    List<Message> h = history(SYSTEM);
    List<Message> w = TurnWindow.ofMessages(2).apply(h);
    assertThat(w).containsExactlyElementsOf(concat(List.of(SYSTEM), h.subList(9, 13)));
    assertThat(TurnWindow.ofMessages(2).size(w)).isEqualTo(5);
  }

  @Test
  void aGreetingBeforeTheFirstUserMessageIsATurnOfItsOwn() {
    Message greeting = Message.assistant("Hello! How can I help?");
    List<Message> h = history(SYSTEM, greeting);
    assertThat(TurnWindow.ofMessages(14).apply(h)).isSameAs(h);
    assertThat(TurnWindow.ofMessages(13).apply(h)).containsExactlyElementsOf(
        concat(List.of(SYSTEM), h.subList(2, 14)));
    assertThat(TurnWindow.ofMessages(12).apply(h)).containsExactlyElementsOf(
        concat(List.of(SYSTEM), h.subList(6, 14)));
  }

  @Test
  void aWaitingCallIsNeverEvictedNorAnythingAfterIt() {
    ToolCall pay = ToolCall.of("p1", "pay", "{\"to\":\"bob\"}");
    ApprovalRequest request = ApprovalRequest.of(pay);
    List<Message> h = new ArrayList<>(List.of(SYSTEM));
    h.addAll(turnWithCall("q1", "c1"));
    h.add(Message.user("pay bob"));
    h.add(Message.assistant(Text.of("needs approval"), request));
    h.addAll(turnWithCall("q2", "c2"));
    h.add(Message.of(Role.USER, ApprovalResponse.approve(request)));
    assertThat(HistoryGuard.ofDefaults().check(h)).isEmpty();

    List<Message> w = TurnWindow.ofMessages(3).apply(h);
    assertThat(w).containsExactlyElementsOf(concat(List.of(SYSTEM), h.subList(5, h.size())));
    assertThat(HistoryGuard.ofDefaults().check(w)).isEmpty();
  }

  @Test
  void countsTokensWithTheCounter() {
    List<Message> h = history(SYSTEM);
    TokenCounter tenPerMessage = m -> 10;
    assertThat(TurnWindow.ofTokens(95, tenPerMessage).apply(h)).containsExactlyElementsOf(
        concat(List.of(SYSTEM), h.subList(5, 13)));
    assertThat(TurnWindow.ofTokens(95, tenPerMessage).size(h)).isEqualTo(130);
  }

  @Test
  void noUserMessageMeansNothingCanBeEvicted() {
    List<Message> h = List.of(SYSTEM, Message.assistant("a"), Message.assistant("b"));
    assertThat(TurnWindow.ofMessages(1).apply(h)).isSameAs(h);
  }

  @Test
  void badSettingsAndInputAreNamed() {
    assertThatThrownBy(() -> TurnWindow.ofMessages(0)).hasMessageContaining("maxMessages must be 1 or more, was 0");
    assertThatThrownBy(() -> TurnWindow.ofTokens(0, m -> 1)).hasMessageContaining("maxTokens");
    assertThatThrownBy(() -> TurnWindow.ofTokens(5, null)).hasMessageContaining("counter must not be null");
    assertThatThrownBy(() -> TurnWindow.ofMessages(1).apply(null)).isInstanceOf(InvalidMessageException.class);
    List<Message> withNull = new ArrayList<>(history());
    withNull.add(1, null);
    assertThatThrownBy(() -> TurnWindow.ofMessages(1).apply(withNull)).hasMessageContaining("history[1] is null");
    assertThatThrownBy(() -> TurnWindow.ofTokens(1, m -> -1).apply(history()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("counted -1 tokens in history[0]");
  }

  @Test
  void applyToKeepsTheAdaptersOwnMessagesWhereApplyKeepsTheCoreOnes() {
    List<Message> h = history(SYSTEM);
    List<String> own = new ArrayList<>();
    for (int i = 0; i < h.size(); i++) {
      own.add("m" + i);
    }
    TurnWindow window = TurnWindow.ofMessages(4);
    List<Message> kept = window.apply(h);
    List<String> keptOwn = window.applyTo(own, h);
    assertThat(keptOwn).hasSameSizeAs(kept);
    for (int i = 0; i < kept.size(); i++) {
      assertThat(keptOwn.get(i)).isEqualTo("m" + h.indexOf(kept.get(i)));
    }
    assertThat(TurnWindow.ofMessages(100).applyTo(own, h)).isSameAs(own);
    assertThatThrownBy(() -> window.applyTo(own.subList(1, own.size()), h))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must map one to one");
  }

  @Test
  void builderTakesExactlyOneLimitAndNamesTheCounterAsTheCallerDoes() {
    assertThat(TurnWindow.builder("counter").maxMessages(3).build().limit()).isEqualTo(3);
    TurnWindow tokens = TurnWindow.builder("counter").maxTokens(7, m -> 1).build();
    assertThat(tokens.countsTokens()).isTrue();
    assertThat(tokens.limit()).isEqualTo(7);
    assertThatThrownBy(() -> TurnWindow.builder("estimator").build())
        .hasMessage("set the window's limit: maxMessages(n) or maxTokens(n, estimator)");
    assertThatThrownBy(() -> TurnWindow.builder("counter").maxMessages(1).maxTokens(1, m -> 1).build())
        .hasMessage("set maxMessages(n) or maxTokens(n, counter), not both");
    assertThatThrownBy(() -> TurnWindow.builder("counter").maxMessages(0))
        .hasMessage("maxMessages must be 1 or more, was 0");
    assertThatThrownBy(() -> TurnWindow.builder("counter").maxTokens(5, null))
        .hasMessageContaining("counter must not be null");
    assertThatThrownBy(() -> TurnWindow.builder(" ")).hasMessageContaining("counterName");
  }

  private static List<Message> concat(List<Message> a, List<Message> b) {
    List<Message> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
