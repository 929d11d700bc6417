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

  private static List<Message> concat(List<Message> a, List<Message> b) {
    List<Message> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
