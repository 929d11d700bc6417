package dev.toolguard.json;

import static dev.toolguard.json.Survival.assertCompletePairsKept;
import static dev.toolguard.json.Survival.count;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.Content;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.core.RepairAction;
import dev.toolguard.core.Role;
import dev.toolguard.json.internal.Json;
import dev.toolguard.testkit.Endpoint;
import dev.toolguard.testkit.ProviderReferee;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Assume;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.PropagationMode;

/**
 * The repair of whole request bodies judged by the independent referee of the testkit, per dialect:
 * random valid conversations, and the same with one to four faults of the kinds found in the field,
 * go through {@link WireGuard#repair} and are POSTed over HTTP to the referee, which checks them
 * against the provider's own rules (it does not use core).
 *
 * <ul>
 *   <li>a valid body is accepted (HTTP 200), has no violations, and comes out of repair as the very
 *       text that came in;
 *   <li>a repaired body is accepted; everything said (every text and opaque item of every role) is
 *       still there in order; every complete call/result pair is still there, answered by one of its
 *       own results; repairing it again changes nothing;
 *   <li>the judges agree: repair changes a body exactly when {@code check} finds a violation in it,
 *       and a body it leaves unchanged is the very text that came in, accepted by the referee (so core
 *       never lets a provider 400 through unseen).
 * </ul>
 *
 * <p>An Anthropic body that would start with the assistant once repaired (the user message was
 * evicted, or held only results of calls that are gone) gets a user turn first saying that earlier
 * messages were cut; that turn is the one thing repair adds, and only when it reports it.
 *
 * <p>Out of scope, and counted apart (jqwik discards them): a corruption that leaves no message but
 * system messages (every provider refuses an empty list; repair cannot invent a conversation).
 *
 * <p>Tries per property: {@link ReliabilityBudget} (10,000 by default, a million with {@code
 * -Pexhaustive}), time-boxed. Bodies are small and go one after another over the JDK's keep-alive
 * connection cache ({@link HttpURLConnection}: on two cores it measured about twice as fast as {@code
 * java.net.http.HttpClient}, whose selector thread adds hand-offs to every request); the referee
 * forgets its log after each try.
 */
@AddLifecycleHook(value = ReliabilityBudget.class, propagateTo = PropagationMode.DIRECT_DESCENDANTS)
class RefereeCrossCheckProperties {

  private static final WireGuard GUARD = WireGuard.ofDefaults();
  private static ProviderReferee referee;
  /** Posts bodies to the referee, one at a time, beside the thread that checks the rest. */
  private static final ExecutorService POSTER = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "referee-poster");
    t.setDaemon(true);
    return t;
  });
  /** Tries set aside as out of scope, by reason. */
  private static final Map<String, AtomicLong> OUT_OF_SCOPE = new java.util.concurrent.ConcurrentHashMap<>();

  @BeforeContainer
  static void start() {
    referee = ProviderReferee.builder().threads(2).start();
  }

  @AfterContainer
  static void stop() {
    referee.close();
    POSTER.shutdown();
    System.out.println("RELIABILITY out of scope (discarded): " + new java.util.TreeMap<>(OUT_OF_SCOPE));
  }

  @Provide
  Arbitrary<Choices> choices() {
    return Choices.arbitrary();
  }

  // ---------------------------------------------------------------- valid bodies

  @Property(edgeCases = EdgeCasesMode.NONE,
      generation = GenerationMode.RANDOMIZED, afterFailure = AfterFailureMode.SAMPLE_ONLY)
  void openAiChatValidBodiesAreAcceptedAndLeftAsTheyAre(@ForAll("choices") Choices choices) {
    validBodyIsAcceptedAndLeftAsItIs(Dialect.OPENAI_CHAT, choices);
  }

  @Property(edgeCases = EdgeCasesMode.NONE,
      generation = GenerationMode.RANDOMIZED, afterFailure = AfterFailureMode.SAMPLE_ONLY)
  void openAiResponsesValidBodiesAreAcceptedAndLeftAsTheyAre(@ForAll("choices") Choices choices) {
    validBodyIsAcceptedAndLeftAsItIs(Dialect.OPENAI_RESPONSES, choices);
  }

  @Property(edgeCases = EdgeCasesMode.NONE,
      generation = GenerationMode.RANDOMIZED, afterFailure = AfterFailureMode.SAMPLE_ONLY)
  void anthropicValidBodiesAreAcceptedAndLeftAsTheyAre(@ForAll("choices") Choices choices) {
    validBodyIsAcceptedAndLeftAsItIs(Dialect.ANTHROPIC, choices);
  }

  // ---------------------------------------------------------------- corrupted bodies

  @Property(edgeCases = EdgeCasesMode.NONE,
      generation = GenerationMode.RANDOMIZED, afterFailure = AfterFailureMode.SAMPLE_ONLY)
  void openAiChatRepairedBodiesAreAcceptedAndLoseNothing(@ForAll("choices") Choices choices) {
    repairedBodyIsAcceptedAndLosesNothing(Dialect.OPENAI_CHAT, choices);
  }

  @Property(edgeCases = EdgeCasesMode.NONE,
      generation = GenerationMode.RANDOMIZED, afterFailure = AfterFailureMode.SAMPLE_ONLY)
  void openAiResponsesRepairedBodiesAreAcceptedAndLoseNothing(@ForAll("choices") Choices choices) {
    repairedBodyIsAcceptedAndLosesNothing(Dialect.OPENAI_RESPONSES, choices);
  }

  @Property(edgeCases = EdgeCasesMode.NONE,
      generation = GenerationMode.RANDOMIZED, afterFailure = AfterFailureMode.SAMPLE_ONLY)
  void anthropicRepairedBodiesAreAcceptedAndLoseNothing(@ForAll("choices") Choices choices) {
    repairedBodyIsAcceptedAndLosesNothing(Dialect.ANTHROPIC, choices);
  }

  // ---------------------------------------------------------------- the properties

  private static void validBodyIsAcceptedAndLeftAsItIs(Dialect dialect, Choices choices) {
    Conversations conversations = new Conversations(dialect, choices);
    String body = Json.write(conversations.valid());
    String context = dialect.id() + ": " + body;
    CompletableFuture<Verdict> judged =
        CompletableFuture.supplyAsync(() -> post(dialect, body, List.of(), conversations.stored()), POSTER);
    assertThat(GUARD.check(dialect, body)).as(context).isEmpty();
    WireRepair repair = GUARD.repair(dialect, body);
    assertThat(repair.changed()).as(context).isFalse();
    assertThat(repair.body()).as(context).isSameAs(body);
    Verdict verdict = judged.join();
    assertThat(verdict.status()).as("the referee's verdict on the valid body %s: %s", context, verdict.body())
        .isEqualTo(200);
  }

  private static void repairedBodyIsAcceptedAndLosesNothing(Dialect dialect, Choices choices) {
    Conversations conversations = new Conversations(dialect, choices);
    ObjectNode corrupted = conversations.corrupt(conversations.valid());
    String body = Json.write(corrupted);
    String context = dialect.id() + ": " + body;

    WireRepair repair = GUARD.repair(dialect, body);
    List<Message> out = repair.request().history();
    outOfScope(dialect, out.isEmpty()
        || (dialect == Dialect.ANTHROPIC && out.stream().allMatch(m -> m.role() == Role.SYSTEM)), "no message");
    // with thinking on, a last tool turn that lost its thinking block (moved, evicted, or a turn of
    // another conversation) cannot be repaired: a thinking block and its signature cannot be made up
    // (check flags the repaired body, which the referee refuses). A turn that starts with an earlier
    // answer, merged in by the API, and then with its thinking block is repaired, and stays in scope.
    outOfScope(dialect, conversations.thinkingOn() && GUARD.check(dialect, repair.body()).stream()
        .anyMatch(v -> v.code().equals("THINKING_NOT_FIRST")), "thinking on, and the last tool turn lost its thinking");
    // the call of the stored response is not in the body: the body alone cannot show that its output
    // was lost (the service answers "No tool output found for function call …")
    outOfScope(dialect, conversations.storedCall() != null && !answers(corrupted, conversations.storedCall()),
        "the output of the stored response's call lost");
    // nor that an output answers a call that is neither in the body nor in the stored response (its
    // call lost): a body that continues a stored conversation may answer any call stored there
    outOfScope(dialect, conversations.storedCall() != null && answersUnknownCall(corrupted, conversations.storedCall()),
        "an output of a call in neither the body nor the stored response");

    // the referee knows the Responses items as produced: a reasoning item and the item with a server
    // id directly after it in the body came out together (as the codec reads them), so the repaired
    // body must keep them together or send the item without its id
    List<com.fasterxml.jackson.databind.JsonNode> produced = producedPairs(dialect, corrupted);

    // both judges see the corrupted body: the referee refuses it exactly when check flags it
    CompletableFuture<Verdict> before = CompletableFuture.supplyAsync(() -> post(dialect, body, produced, conversations.stored()), POSTER);
    List<WireViolation> flagged = GUARD.check(dialect, body);
    Verdict refused = before.join();
    assertThat(refused.status() != 200).as("the referee refuses exactly what check flags: %s%nflagged: %s%nanswer: %s",
        context, flagged, refused.body()).isEqualTo(!flagged.isEmpty());
    if (refused.status() != 200) {
      // and check says what the provider answers: the refusal is one of the errors check predicts,
      // word for word, in all three dialects
      String message = Json.parse(refused.body()).path("error").path("message").asText();
      assertThat(flagged).as("the referee's words are among check's: %s%nanswer: %s", context, message)
          .extracting(WireViolation::providerError).contains(message);
    }


    // the referee judges while core's own properties are checked here
    CompletableFuture<Verdict> judged =
        CompletableFuture.supplyAsync(() -> post(dialect, repair.body(), produced, conversations.stored()), POSTER);

    WireRepair again = GUARD.repair(dialect, repair.body());
    assertThat(again.changed()).as("repair is idempotent: %s%nactions: %s", context, again.actions()).isFalse();
    assertThat(again.body()).as(context).isSameAs(repair.body());

    if (repair.changed()) {
      assertThat(GUARD.check(dialect, body)).as("repair changed a body that check finds valid: %s%nactions: %s",
          context, repair.actions()).isNotEmpty();
    } else {
      assertThat(repair.body()).as(context).isSameAs(body);
      assertThat(GUARD.check(dialect, body)).as(context).isEmpty();
    }

    List<Message> in = WireCodec.of(dialect).read(body).history();
    List<Message> sent = WireCodec.of(dialect).read(repair.body()).history();
    assertThat(Survival.saidBesidesCutNote(sent, repair, context)).as("everything said, in order: %s", context)
        .isEqualTo(Survival.saidToKeep(in, repair));
    long droppedReasoning = repair.actions().stream()
        .filter(a -> a.kind() == RepairAction.Kind.DROP && a.detail().startsWith("removed reasoning item"))
        .count();
    assertThat(count(sent, "reasoning")).as("reasoning items: %s", context)
        .isEqualTo(count(in, "reasoning") - droppedReasoning);
    assertThat(Survival.thinking(sent)).as("thinking blocks: %s", context)
        .isEqualTo(Survival.thinking(in) - Survival.droppedThinking(repair));
    assertCompletePairsKept(in, out, context, dialect == Dialect.OPENAI_RESPONSES);

    Verdict verdict = judged.join();
    assertThat(verdict.status()).as("the referee's verdict on the repaired body %s%nrepaired: %s%nanswer: %s",
        context, repair.body(), verdict.body()).isEqualTo(200);
  }

  private static void outOfScope(Dialect dialect, boolean condition, String reason) {
    if (condition) {
      OUT_OF_SCOPE.computeIfAbsent(dialect.id() + ": " + reason, k -> new AtomicLong()).incrementAndGet();
    }
    Assume.that(!condition);
  }

  // ---------------------------------------------------------------- HTTP

  /** The referee's answer to one body. */
  record Verdict(int status, String body) {}

  /** The reasoning items of a Responses body and the items with a server id directly after them, in pairs. */
  private static List<com.fasterxml.jackson.databind.JsonNode> producedPairs(Dialect dialect, ObjectNode body) {
    List<com.fasterxml.jackson.databind.JsonNode> pairs = new java.util.ArrayList<>();
    if (dialect != Dialect.OPENAI_RESPONSES) {
      return pairs;
    }
    com.fasterxml.jackson.databind.JsonNode input = body.path("input");
    // the service produced an item once: a later copy of an id is not what it produced
    java.util.Set<String> seen = new java.util.HashSet<>();
    boolean[] first = new boolean[input.size()];
    for (int j = 0; j < input.size(); j++) {
      first[j] = !input.get(j).hasNonNull("id") || seen.add(input.get(j).get("id").asText());
    }
    for (int j = 0; j + 1 < input.size(); j++) {
      com.fasterxml.jackson.databind.JsonNode next = input.get(j + 1);
      String type = next.path("type").asText("message");
      if (input.get(j).path("type").asText().equals("reasoning") && next.hasNonNull("id") && first[j] && first[j + 1]
          && !type.equals("reasoning") && !type.endsWith("_output")
          && (!type.equals("message") || next.path("role").asText().equals("assistant"))) {
        pairs.add(input.get(j));
        pairs.add(next);
      }
    }
    return pairs;
  }

  /** True when an output of the Responses body answers no call of the body and not {@code storedCall}. */
  private static boolean answersUnknownCall(ObjectNode body, String storedCall) {
    java.util.Set<String> calls = new java.util.HashSet<>();
    calls.add(storedCall);
    for (com.fasterxml.jackson.databind.JsonNode item : body.path("input")) {
      if (item.path("type").asText().equals("function_call")) {
        calls.add(item.path("call_id").asText());
      }
    }
    for (com.fasterxml.jackson.databind.JsonNode item : body.path("input")) {
      if (item.path("type").asText().equals("function_call_output") && !calls.contains(item.path("call_id").asText())) {
        return true;
      }
    }
    return false;
  }

  /** True when the Responses body holds a {@code function_call_output} of {@code callId}. */
  private static boolean answers(ObjectNode body, String callId) {
    for (com.fasterxml.jackson.databind.JsonNode item : body.path("input")) {
      if (item.path("type").asText().equals("function_call_output") && item.path("call_id").asText().equals(callId)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The referee's verdict on {@code body}; {@code produced} are pairs it produced, {@code stored} the
   * output of the response the body continues ({@link Conversations#PREVIOUS_RESPONSE}).
   */
  private static Verdict post(Dialect dialect, String body, List<com.fasterxml.jackson.databind.JsonNode> produced,
      List<ObjectNode> stored) {
    if (!produced.isEmpty()) {
      referee.responses().produced(produced);
    }
    if (!stored.isEmpty()) {
      referee.responses().produced(Conversations.PREVIOUS_RESPONSE, stored);
    }
    Endpoint endpoint = dialect == Dialect.OPENAI_CHAT ? Endpoint.CHAT_COMPLETIONS
        : dialect == Dialect.OPENAI_RESPONSES ? Endpoint.RESPONSES : Endpoint.MESSAGES;
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(referee.url(endpoint)).toURL().openConnection();
      c.setRequestMethod("POST");
      c.setDoOutput(true);
      c.setConnectTimeout(5_000);
      c.setReadTimeout(10_000);
      c.setRequestProperty("Content-Type", "application/json");
      if (endpoint == Endpoint.MESSAGES) {
        c.setRequestProperty("x-api-key", "test");
        c.setRequestProperty("anthropic-version", "2023-06-01");
      } else {
        c.setRequestProperty("Authorization", "Bearer test");
      }
      try (OutputStream out = c.getOutputStream()) {
        out.write(body.getBytes(StandardCharsets.UTF_8));
      }
      int status = c.getResponseCode();
      try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
        // read to the end, so that the connection goes back to the keep-alive cache
        return new Verdict(status, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      // a million tries must not pile up in the referee's memory
      referee.clearRequests();
      referee.responses().clear();
    }
  }
}
