package dev.toolguard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.Message;
import dev.toolguard.core.Metadata;
import dev.toolguard.core.Opaque;
import dev.toolguard.core.Role;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.conversation.ConversationConflictException;
import dev.toolguard.core.conversation.ConversationStore;
import dev.toolguard.core.conversation.ConversationStore.Snapshot;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The semantics every {@link ConversationStore} shares, run against the in-memory store and against the
 * JDBC store on each real database, so that they provably agree.
 */
abstract class ConversationStoreContract {

  ConversationStore store;

  /** A store with no conversations. */
  abstract ConversationStore emptyStore() throws Exception;

  @BeforeEach
  void freshStore() throws Exception {
    store = emptyStore();
  }

  /**
   * A conversation of a payment that waits for approval and one that ran: text, calls, an approval request
   * with a signature, its answer, an edited and a rejected answer, results (one synthetic), an opaque
   * reasoning item and metadata of several types.
   */
  static List<Message> paymentConversation() {
    ToolCall pay = ToolCall.of("call_pay", "pay", "{\"iban\":\"DE02 1203 0000 0000 2020 51\",\"eur\":120.5}");
    ToolCall mail = ToolCall.of("call_mail", "mail", "{\"to\":\"ops\"}");
    ApprovalRequest payRequest = new ApprovalRequest("call_pay", pay, Map.of("toolguard.signature", "sig-Zm9v"));
    ApprovalRequest mailRequest = ApprovalRequest.of(mail);
    Map<String, Object> reasoning = new LinkedHashMap<>();
    reasoning.put("type", "reasoning");
    reasoning.put("encrypted_content", "gAAAAB…==");
    reasoning.put("summary", List.of("check the invoice", "ask first"));
    Map<String, Object> usage = new LinkedHashMap<>();
    usage.put("input_tokens", 1234L);
    usage.put("cost", new BigDecimal("0.0150"));
    usage.put("cached", true);
    return List.of(
        Message.user("Pay the electricity bill of 120,50 € and mail ops — \"today\" 🙂"),
        new Message(Role.ASSISTANT, List.of(Opaque.of("reasoning", reasoning), Text.of("I need your approval."),
            pay, mail, payRequest, mailRequest), Map.of("id", "msg_7", "usage", usage)),
        Message.of(Role.USER, ApprovalResponse.approve(payRequest),
            ApprovalResponse.approveWithArguments(mailRequest, "{\"to\":\"ops@example.com\"}")),
        Message.tool(ToolResult.of("call_pay", "pay", "{\"payment\":42}"),
            new ToolResult("call_mail", "mail", "may or may not have run", true,
                Map.of(Metadata.SYNTHETIC, Metadata.SYNTHETIC_BY_LOOP))),
        Message.assistant(new Text("Paid; the mail may not have gone out.", Map.of("lang", "en", "n", 2))));
  }

  static String conflict(String key, long expected, long actual) {
    return "conversation '" + key + "' was saved by another writer since this run loaded it (version " + expected
        + ", now " + actual + "; rule: a save names the version it read); nothing was written. Load it again and"
        + " repeat the request: calls already settled are not run twice.";
  }

  @Test
  void aConversationNeverSavedIsEmptyAtVersionZero() {
    assertThat(store.load("never-saved")).isEqualTo(Snapshot.empty());
    assertThat(store.load("never-saved").version()).isZero();
  }

  @Test
  void aSavedConversationLoadsEqualWithEveryContentAndMetadata() {
    List<Message> history = paymentConversation();
    assertThat(store.save("user-42", 0, history)).isEqualTo(1);
    Snapshot loaded = store.load("user-42");
    assertThat(loaded.version()).isEqualTo(1);
    assertThat(loaded.messages()).isEqualTo(history);
    assertThat(store.save("empty", 0, List.of())).isEqualTo(1);
    assertThat(store.load("empty")).isEqualTo(new Snapshot(List.of(), 1));
  }

  @Test
  void eachSaveRaisesTheVersionByOne() {
    List<Message> history = paymentConversation();
    for (int n = 1; n <= history.size(); n++) {
      assertThat(store.save("user-42", n - 1, history.subList(0, n))).isEqualTo(n);
      assertThat(store.load("user-42")).isEqualTo(new Snapshot(history.subList(0, n), n));
    }
  }

  @Test
  void aSaveWithAStaleVersionConflictsAndWritesNothing() {
    List<Message> history = paymentConversation();
    store.save("user-42", 0, history.subList(0, 1));
    store.save("user-42", 1, history.subList(0, 2));
    Snapshot before = store.load("user-42");

    assertThatThrownBy(() -> store.save("user-42", 1, history))
        .isInstanceOfSatisfying(ConversationConflictException.class, e -> {
          assertThat(e.conversation()).isEqualTo("user-42");
          assertThat(e.expectedVersion()).isEqualTo(1);
          assertThat(e.actualVersion()).isEqualTo(2);
        })
        .hasMessage(conflict("user-42", 1, 2));
    assertThatThrownBy(() -> store.save("user-42", 0, history)).as("a first save of a saved conversation")
        .isInstanceOf(ConversationConflictException.class).hasMessage(conflict("user-42", 0, 2));
    assertThatThrownBy(() -> store.save("user-42", 3, history)).as("a version from the future")
        .isInstanceOf(ConversationConflictException.class).hasMessage(conflict("user-42", 3, 2));
    assertThat(store.load("user-42")).isEqualTo(before);

    assertThatThrownBy(() -> store.save("never-saved", 4, history)).as("a version of a conversation never saved")
        .isInstanceOf(ConversationConflictException.class).hasMessage(conflict("never-saved", 4, 0));
    assertThat(store.load("never-saved")).isEqualTo(Snapshot.empty());
  }

  @Test
  void conversationsAndTheCaseOfTheirKeysAreApart() {
    List<Message> history = paymentConversation();
    assertThat(store.save("conv-A", 0, history.subList(0, 1))).isEqualTo(1);
    assertThat(store.save("conv-B", 0, history.subList(0, 2))).isEqualTo(1);
    assertThat(store.save("CONV-A", 0, history.subList(0, 3))).isEqualTo(1);
    assertThat(store.save("conv-A", 1, history)).isEqualTo(2);
    assertThatThrownBy(() -> store.save("conv-B", 2, history)).hasMessage(conflict("conv-B", 2, 1));

    assertThat(store.load("conv-A")).isEqualTo(new Snapshot(history, 2));
    assertThat(store.load("conv-B")).isEqualTo(new Snapshot(history.subList(0, 2), 1));
    assertThat(store.load("CONV-A")).isEqualTo(new Snapshot(history.subList(0, 3), 1));
  }

  @Test
  void ofSixteenRacingFirstSavesExactlyOneWinsAndItsHistoryIsStored() throws Exception {
    List<Object> outcomes = CallJournalContract.race(i -> attempt("raced", 0, i));
    assertWinnerStored("raced", 0, outcomes);
  }

  @Test
  void ofSixteenRacingSavesOfOneVersionExactlyOneWinsAndItsHistoryIsStored() throws Exception {
    store.save("raced", 0, List.of(Message.user("start")));
    store.save("raced", 1, List.of(Message.user("start"), Message.assistant("hello")));
    List<Object> outcomes = CallJournalContract.race(i -> attempt("raced", 2, i));
    assertWinnerStored("raced", 2, outcomes);
  }

  /** History {@code i} of a racer, different for each. */
  static List<Message> racerHistory(int i) {
    return List.of(Message.user("start"), Message.assistant("hello"), Message.user("racer " + i));
  }

  /** The new version, or the conflict. */
  private Object attempt(String key, long expected, int i) {
    try {
      return store.save(key, expected, racerHistory(i));
    } catch (ConversationConflictException e) {
      return e;
    }
  }

  private void assertWinnerStored(String key, long expected, List<Object> outcomes) {
    List<Object> won = outcomes.stream().filter(o -> o instanceof Long).toList();
    assertThat(won).containsExactly(expected + 1);
    int winner = outcomes.indexOf(expected + 1);
    assertThat(outcomes).filteredOn(o -> o instanceof ConversationConflictException)
        .hasSize(CallJournalContract.THREADS - 1)
        .allSatisfy(o -> assertThat((ConversationConflictException) o)
            .hasMessage(conflict(key, expected, expected + 1)));
    assertThat(store.load(key)).isEqualTo(new Snapshot(racerHistory(winner), expected + 1));
  }

  @Test
  void keysListEveryConversationSavedAndNothingElse() {
    assertThat(store.keys()).isEmpty();
    store.save("b", 0, List.of(Message.user("hi")));
    store.save("a", 0, List.of());
    assertThatThrownBy(() -> store.save("c", 1, List.of())).isInstanceOf(ConversationConflictException.class);
    assertThat(store.keys()).containsExactlyInAnyOrder("a", "b");
  }
}
