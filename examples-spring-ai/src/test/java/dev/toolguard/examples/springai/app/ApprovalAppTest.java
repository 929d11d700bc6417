package dev.toolguard.examples.springai.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolguard.core.HistoryGuard;
import dev.toolguard.examples.springai.app.ApprovalController.ChatReply;
import dev.toolguard.examples.springai.app.ApprovalController.ChatRequest;
import dev.toolguard.examples.springai.app.ApprovalController.Decision;
import dev.toolguard.examples.springai.app.ApprovalController.PendingCall;
import dev.toolguard.core.conversation.ConversationStore;
import dev.toolguard.jdbc.JdbcConversationStore;
import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.Reply;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;

/**
 * The app over HTTP against the referee (through Spring AI's own OpenAiChatModel, as configured by
 * its Boot starter): a conversation suspends on a payment, the approval comes over HTTP, it resumes.
 * The conversations are in toolguard's {@code toolguard_conversation} table, the payments in the app's
 * own {@code payments} table.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "spring.datasource.url=jdbc:h2:mem:approval-app-test;DB_CLOSE_DELAY=-1",
    "spring.ai.openai.api-key=test",
    "spring.ai.openai.max-retries=0"})
class ApprovalAppTest {

  static final ProviderReferee REFEREE = ProviderReferee.start();

  @DynamicPropertySource
  static void provider(DynamicPropertyRegistry properties) {
    properties.add("spring.ai.openai.base-url", REFEREE::openAiBaseUrl);
  }

  @AfterAll
  static void stopReferee() {
    REFEREE.close();
  }

  @LocalServerPort
  int port;

  @Autowired
  PaymentTools tools;

  @Autowired
  ConversationStore store;

  @Autowired
  JdbcClient jdbc;

  RestClient http;

  /** The amount of the waiting call as the history JSON holds it (the arguments as a JSON string). */
  static final String AMOUNT_5 = "\\\"amount\\\":5}";
  static final String AMOUNT_5000 = "\\\"amount\\\":5000}";

  @BeforeEach
  void setUp() {
    REFEREE.reset();
    // the JDK's client and no read timeout of 10 s (Reactor Netty's default here): a first model call
    // on a loaded machine may take longer
    JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory();
    requests.setReadTimeout(Duration.ofSeconds(90));
    http = RestClient.builder().baseUrl("http://127.0.0.1:" + port).requestFactory(requests).build();
  }

  ChatReply chat(String conversationId, String message) {
    return http.post().uri("/chat").body(new ChatRequest(conversationId, message)).retrieve().body(ChatReply.class);
  }

  List<PendingCall> approvals(String conversationId) {
    return http.get().uri("/approvals?conversationId={id}", conversationId).retrieve()
        .body(new ParameterizedTypeReference<List<PendingCall>>() {});
  }

  ChatReply decide(String callId, Decision decision) {
    return http.post().uri("/approvals/{callId}", callId).body(decision).retrieve().body(ChatReply.class);
  }

  @Test
  void aPaymentWaitsForApprovalOverHttpThenRunsOnceAndTheConversationGoesOn() {
    REFEREE.script().enqueue(
        Reply.toolCalls(Reply.call("pay", "{\"invoice\":\"INV-42\",\"amount\":5}"), Reply.call("balance", "{}")),
        Reply.text("Paid INV-42; your balance is 95 EUR."),
        Reply.text("You are welcome."));
    ChatReply waiting = chat("alice", "Pay invoice INV-42 (5 EUR) and tell me my balance.");

    assertThat(waiting.status()).isEqualTo("AWAITING");
    assertThat(waiting.pending()).extracting(PendingCall::tool, PendingCall::arguments)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("pay", "{\"invoice\":\"INV-42\",\"amount\":5}"));
    assertThat(tools.payments("INV-42")).isZero();
    String callId = waiting.pending().get(0).callId();
    // the waiting call is in toolguard's conversation table, as history JSON, at its first version
    assertThat(jdbc.sql("SELECT history FROM toolguard_conversation WHERE conversation_key = 'alice'")
        .query(String.class).single()).contains(callId, "INV-42");
    assertThat(store.load("alice").version()).isEqualTo(1);

    assertThat(approvals("alice"))
        .containsExactly(new PendingCall("alice", callId, "pay", "{\"invoice\":\"INV-42\",\"amount\":5}"));
    assertThat(approvals("someone-else")).isEmpty();

    ChatReply done = decide(callId, new Decision("alice", true, null, "Yes, go ahead."));

    assertThat(done.status()).isEqualTo("COMPLETED");
    assertThat(done.answer()).isEqualTo("Paid INV-42; your balance is 95 EUR.");
    assertThat(done.pending()).isEmpty();
    assertThat(tools.payments("INV-42")).isEqualTo(1);
    assertThat(approvals("alice")).isEmpty();
    RecordedRequest resumed = REFEREE.requests().get(1);
    assertThat(resumed.toolResultIds()).hasSize(2);
    assertThat(resumed.lastUserText()).isEqualTo("Yes, go ahead.");

    assertThat(chat("alice", "Thanks!").answer()).isEqualTo("You are welcome.");
    assertThat(REFEREE.rejections()).isEmpty();
    assertThat(REFEREE.requests()).hasSize(3);
    assertThat(store).isInstanceOf(JdbcConversationStore.class);
    ConversationStore.Snapshot alice = store.load("alice");
    assertThat(HistoryGuard.ofDefaults().check(alice.messages())).isEmpty();
    assertThat(alice.messages()).hasSizeGreaterThanOrEqualTo(6);
    assertThat(alice.version()).isEqualTo(3);
  }

  @Test
  void aRejectedPaymentRunsNothingAndTheModelIsTold() {
    REFEREE.script().enqueue(Reply.toolCall("pay", "{\"invoice\":\"INV-7\",\"amount\":500}"),
        Reply.text("Understood, I did not pay INV-7."));
    String callId = chat("bob", "Pay invoice INV-7 (500 EUR).").pending().get(0).callId();

    ChatReply done = decide(callId, new Decision("bob", false, "too much", null));

    assertThat(done.status()).isEqualTo("COMPLETED");
    assertThat(done.answer()).isEqualTo("Understood, I did not pay INV-7.");
    assertThat(tools.payments("INV-7")).isZero();
    assertThat(REFEREE.requests().get(1).lastToolResult()).contains("too much");
    assertThat(REFEREE.rejections()).isEmpty();
  }

  @Test
  void anUnknownCallIsNotFoundAndAnswersAreNotReplayed() {
    REFEREE.script().enqueue(Reply.toolCall("pay", "{\"invoice\":\"INV-9\",\"amount\":1}"), Reply.text("Paid."));
    String callId = chat("carol", "Pay invoice INV-9 (1 EUR).").pending().get(0).callId();

    assertThatThrownBy(() -> decide("call_nope", new Decision("carol", true, null, null)))
        .isInstanceOfSatisfying(HttpClientErrorException.class,
            e -> assertThat(e.getStatusCode().value()).isEqualTo(404));
    // the same call id in another conversation is not this call
    assertThatThrownBy(() -> decide(callId, new Decision("not-carol", true, null, null)))
        .isInstanceOfSatisfying(HttpClientErrorException.class,
            e -> assertThat(e.getStatusCode().value()).isEqualTo(404));
    // call ids repeat across conversations: an approval without its conversation is refused
    assertThatThrownBy(() -> decide(callId, new Decision(null, true, null, null)))
        .isInstanceOfSatisfying(HttpClientErrorException.class,
            e -> assertThat(e.getStatusCode().value()).isEqualTo(400));
    assertThat(tools.payments("INV-9")).isZero();
    assertThat(decide(callId, new Decision("carol", true, null, null)).status()).isEqualTo("COMPLETED");
    assertThat(tools.payments("INV-9")).isEqualTo(1);
    assertThatThrownBy(() -> decide(callId, new Decision("carol", true, null, null)))
        .isInstanceOfSatisfying(HttpClientErrorException.class,
            e -> assertThat(e.getStatusCode().value()).isEqualTo(404));
    assertThat(tools.payments("INV-9")).isEqualTo(1);
    assertThat(REFEREE.rejections()).isEmpty();
  }

  @Test
  void aWaitingCallChangedInTheDatabaseIsRefused() {
    REFEREE.script().enqueue(Reply.toolCall("pay", "{\"invoice\":\"INV-5\",\"amount\":5}"));
    String callId = chat("dave", "Pay invoice INV-5 (5 EUR).").pending().get(0).callId();
    String history = jdbc.sql("SELECT history FROM toolguard_conversation WHERE conversation_key = 'dave'")
        .query(String.class).single();
    String tampered = history.replace(AMOUNT_5, AMOUNT_5000);
    assertThat(tampered).isNotEqualTo(history);
    assertThat(jdbc.sql("UPDATE toolguard_conversation SET history = ? WHERE conversation_key = 'dave'")
        .param(tampered).update()).isEqualTo(1);
    assertThat(approvals("dave")).extracting(PendingCall::arguments)
        .containsExactly("{\"invoice\":\"INV-5\",\"amount\":5000}");

    assertThatThrownBy(() -> decide(callId, new Decision("dave", true, null, null)))
        .isInstanceOfSatisfying(HttpClientErrorException.class, e -> {
          assertThat(e.getStatusCode().value()).isEqualTo(409);
          assertThat(e.getResponseBodyAsString()).contains(callId);
        });
    assertThat(tools.payments("INV-5")).isZero();
    assertThat(REFEREE.requests()).hasSize(1);
  }
}
