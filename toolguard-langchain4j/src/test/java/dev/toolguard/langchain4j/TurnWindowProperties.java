package dev.toolguard.langchain4j;

import dev.toolguard.testkit.properties.PropertyBudget;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.PropagationMode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.store.memory.chat.InMemoryChatMemoryStore;
import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.Content;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Message;
import dev.toolguard.core.Opaque;
import dev.toolguard.core.Role;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.conversation.TokenCounter;
import dev.toolguard.core.conversation.TurnWindow;
import dev.toolguard.json.WireCodec;
import dev.toolguard.testkit.Endpoint;
import dev.toolguard.testkit.ProviderReferee;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Core's {@link TurnWindow}, and {@link TurnWindowChatMemory} over it, on generated valid histories with
 * system messages (first and in the middle), greetings, calls, parallel calls (results in one message or one
 * each), waiting approvals (answered or not) and final texts, for message and token limits:
 *
 * <ul>
 *   <li>the window passes core's check and keeps every system message, in order;
 *   <li>the rest is a suffix of the history that starts with a user message (a suffix of turns);
 *   <li>it keeps the last user message and every waiting call;
 *   <li>it fits the limit, unless what must stay (the system messages, and the turns from the last user
 *       message or the first waiting call on) is over it on its own: then it is exactly that;
 *   <li>it evicts no turn it did not have to;
 *   <li>the OpenAI Chat and Responses bodies of the window (and the Anthropic body, where the system
 *       messages lead and a user message follows them) are accepted by the testkit referee over HTTP;
 *   <li>the LangChain4j memory keeps the same messages as the core window.
 * </ul>
 */
@AddLifecycleHook(value = PropertyBudget.class, propagateTo = PropagationMode.ALL_DESCENDANTS)
class TurnWindowProperties {

  private static final HistoryGuard GUARD = HistoryGuard.ofDefaults();
  private static ProviderReferee referee;

  /** About a token per four characters of what a message says, and two for the message itself. */
  static final TokenCounter COUNTER = m -> {
    int chars = 0;
    for (Content c : m.contents()) {
      if (c instanceof Text t) {
        chars += t.text().length();
      } else if (c instanceof ToolCall call) {
        chars += call.name().length() + call.argumentsJson().length();
      } else if (c instanceof ToolResult r) {
        chars += r.output().length();
      } else if (c instanceof ApprovalRequest r) {
        chars += r.call().argumentsJson().length();
      }
    }
    return 2 + chars / 4;
  };

  @BeforeContainer
  static void start() {
    referee = ProviderReferee.builder().threads(1).start();
  }

  @AfterContainer
  static void stop() {
    referee.close();
  }

  // ---------------------------------------------------------------- generated histories

  /** One turn: a user message, steps of parallel calls, maybe a waiting call, maybe a final text. */
  record TurnSpec(List<Integer> steps, boolean resultsApart, boolean systemBefore, int waiting, boolean sibling,
      boolean finalText, int words) {}

  record HistorySpec(boolean system, boolean greeting, List<TurnSpec> turns) {}

  @Provide
  Arbitrary<List<Message>> histories() {
    Arbitrary<TurnSpec> turn = Combinators.combine(
        Arbitraries.integers().between(1, 3).list().ofMaxSize(3),
        Arbitraries.of(true, false),
        Arbitraries.integers().between(0, 5).map(i -> i == 0),
        Arbitraries.integers().between(0, 5).map(i -> i == 0 ? 1 : i == 1 ? 2 : 0),
        Arbitraries.of(true, false),
        Arbitraries.of(true, false),
        Arbitraries.integers().between(1, 12)).as(TurnSpec::new);
    return Combinators.combine(Arbitraries.of(true, false), Arbitraries.integers().between(0, 3).map(i -> i == 0),
        turn.list().ofMinSize(1).ofMaxSize(7)).as(HistorySpec::new).map(TurnWindowProperties::build);
  }

  static List<Message> build(HistorySpec spec) {
    List<Message> h = new ArrayList<>();
    int[] ids = {0};
    if (spec.system()) {
      h.add(Message.system("You are a careful assistant."));
    }
    if (spec.greeting()) {
      h.add(Message.assistant("Hello! How can I help?"));
    }
    int t = 0;
    for (TurnSpec turn : spec.turns()) {
      t++;
      if (turn.systemBefore()) {
        h.add(Message.system("Now answer in turn " + t + "."));
      }
      h.add(Message.user("question " + t + " " + "word ".repeat(turn.words())));
      for (int calls : turn.steps()) {
        List<Content> asked = new ArrayList<>();
        List<ToolResult> results = new ArrayList<>();
        for (int k = 0; k < calls; k++) {
          String id = "call_" + (++ids[0]);
          asked.add(ToolCall.of(id, "lookup", "{\"q\":\"" + id + "\"}"));
          results.add(ToolResult.of(id, "lookup", "found " + "x".repeat(turn.words() * k + 1)));
        }
        h.add(Message.assistant(asked.toArray(new Content[0])));
        if (turn.resultsApart()) {
          results.forEach(r -> h.add(Message.tool(r)));
        } else {
          h.add(Message.tool(results.toArray(new ToolResult[0])));
        }
      }
      if (turn.waiting() > 0) {
        String id = "call_" + (++ids[0]);
        ApprovalRequest request = ApprovalRequest.of(ToolCall.of(id, "pay", "{\"to\":\"bob\",\"amount\":" + t + "}"));
        if (turn.sibling()) {
          String other = "call_" + (++ids[0]);
          h.add(Message.assistant(Text.of("paying"), request, ToolCall.of(other, "lookup", "{}")));
          h.add(Message.tool(ToolResult.of(other, "lookup", "balance 10")));
        } else {
          h.add(Message.assistant(Text.of("paying"), request));
        }
        if (turn.waiting() == 2) {
          h.add(Message.of(Role.USER, ApprovalResponse.approve(request)));
        }
      } else if (turn.finalText()) {
        h.add(Message.assistant("answer " + t));
      }
    }
    return List.copyOf(h);
  }

  @Provide
  Arbitrary<TurnWindow> windows() {
    return Arbitraries.oneOf(
        Arbitraries.integers().between(1, 30).map(TurnWindow::ofMessages),
        Arbitraries.integers().between(1, 200).map(n -> TurnWindow.ofTokens(n, COUNTER)));
  }

  // ---------------------------------------------------------------- properties

  @Property(tries = 400)
  void theWindowIsAValidSuffixOfTurnsThatFitsUnlessWhatMustStayDoesNot(
      @ForAll("histories") List<Message> history, @ForAll("windows") TurnWindow window) {
    assertThat(GUARD.check(history)).as("the generator makes valid histories").isEmpty();

    List<Message> w = window.apply(history);
    int cut = window.cut(history);

    assertThat(GUARD.check(w)).isEmpty();
    assertThat(w).isEqualTo(systemsBefore(history, cut, history.subList(cut, history.size())));
    assertThat(cut == 0 || history.get(cut).role() == Role.USER).as("cut at a user message").isTrue();
    assertThat(w.stream().filter(m -> m.role() == Role.SYSTEM).toList())
        .isEqualTo(history.stream().filter(m -> m.role() == Role.SYSTEM).toList());

    int mustStay = mustStay(history);
    assertThat(cut).isLessThanOrEqualTo(mustStay);
    int lastPossibleCut = mustStay;
    while (lastPossibleCut > 0 && history.get(lastPossibleCut).role() != Role.USER) {
      lastPossibleCut--;
    }
    assertThat(waitingCalls(w)).isEqualTo(waitingCalls(history));
    if (window.size(w) > window.limit()) {
      assertThat(cut).as("over the limit only when nothing more may go").isEqualTo(lastPossibleCut);
    }
    if (cut > 0) {
      // the turn before the cut did not fit: no turn was evicted needlessly
      int previous = cut - 1;
      while (previous > 0 && history.get(previous).role() != Role.USER) {
        previous--;
      }
      List<Message> larger = systemsBefore(history, previous, history.subList(previous, history.size()));
      assertThat(window.size(larger)).isGreaterThan(window.limit());
    }
  }

  @Property(tries = 150)
  void theWindowsBodiesAreAcceptedByTheReferee(
      @ForAll("histories") List<Message> history, @ForAll("windows") TurnWindow window) {
    List<Message> w = window.apply(history);
    String chatBody = WireCodec.openAiChat().write(
        WireCodec.openAiChat().read("{\"model\":\"gpt-4o-mini\",\"messages\":[]}").withHistory(w));
    assertThat(post(Endpoint.CHAT_COMPLETIONS, chatBody)).as(chatBody).isEqualTo(200);
    String responsesBody = WireCodec.openAiResponses().write(
        WireCodec.openAiResponses().read("{\"model\":\"gpt-4o-mini\",\"input\":[]}").withHistory(w));
    assertThat(post(Endpoint.RESPONSES, responsesBody)).as(responsesBody).isEqualTo(200);
    // Anthropic: the system messages go to the top-level field, so only where they all lead; a window that
    // still starts with a greeting (nothing was evicted) is the history's own first turn, not the window's
    int firstOther = 0;
    while (firstOther < w.size() && w.get(firstOther).role() == Role.SYSTEM) {
      firstOther++;
    }
    boolean systemsLead = w.subList(firstOther, w.size()).stream().noneMatch(m -> m.role() == Role.SYSTEM);
    boolean anthropic = systemsLead && firstOther < w.size() && w.get(firstOther).role() == Role.USER;
    net.jqwik.api.statistics.Statistics.label("Anthropic body judged").collect(anthropic);
    if (anthropic) {
      com.fasterxml.jackson.databind.node.ObjectNode envelope = WireCodec.anthropic()
          .read("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":256,\"messages\":[]}").envelope();
      if (firstOther > 0) {
        envelope.put("system", String.join("\n", w.subList(0, firstOther).stream().map(Message::text).toList()));
      }
      String anthropicBody = WireCodec.anthropic().write(new dev.toolguard.json.WireRequest(
          dev.toolguard.core.Dialect.ANTHROPIC, w.subList(firstOther, w.size()), envelope));
      assertThat(post(Endpoint.MESSAGES, anthropicBody)).as(anthropicBody).isEqualTo(200);
    }
  }

  @Property(tries = 150)
  void theLangChain4jMemoryKeepsTheCoreWindow(@ForAll("histories") List<Message> history,
      @ForAll("windows") TurnWindow window) {
    TurnWindowChatMemory.Builder b = TurnWindowChatMemory.builder().id("p").chatMemoryStore(new InMemoryChatMemoryStore());
    TurnWindowChatMemory memory = window.countsTokens()
        ? b.maxTokens(window.limit(), new CoreCountingEstimator()).build()
        : b.maxMessages(window.limit()).build();
    List<ChatMessage> messages = LangChain4jToolGuard.fromCore(history); // a result per tool message
    memory.set(messages);
    List<ChatMessage> kept = memory.messages();
    List<Message> expected = window.apply(LangChain4jToolGuard.toCore(messages));
    assertThat(said(LangChain4jToolGuard.toCore(kept))).isEqualTo(said(expected));
  }

  /** A LangChain4j estimator that counts as {@link #COUNTER} does, so both windows agree. */
  static final class CoreCountingEstimator implements dev.langchain4j.model.TokenCountEstimator {
    @Override
    public int estimateTokenCountInText(String text) {
      return text.length() / 4;
    }

    @Override
    public int estimateTokenCountInMessage(ChatMessage message) {
      return COUNTER.count(LangChain4jToolGuard.toCore(List.of(message)).get(0));
    }

    @Override
    public int estimateTokenCountInMessages(Iterable<ChatMessage> messages) {
      int total = 0;
      for (ChatMessage m : messages) {
        total += estimateTokenCountInMessage(m);
      }
      return total;
    }
  }

  // ---------------------------------------------------------------- helpers

  private static List<Message> systemsBefore(List<Message> history, int cut, List<Message> rest) {
    List<Message> out = new ArrayList<>();
    for (int i = 0; i < cut; i++) {
      if (history.get(i).role() == Role.SYSTEM) {
        out.add(history.get(i));
      }
    }
    out.addAll(rest);
    return out;
  }

  /**
   * The last user message, or the message of the first waiting call if it comes first; 0 without a user
   * message. The window may cut no later than the user message that starts this one's turn.
   */
  private static int mustStay(List<Message> history) {
    int lastUser = -1;
    for (int i = 0; i < history.size(); i++) {
      if (history.get(i).role() == Role.USER) {
        lastUser = i;
      }
    }
    for (int i = 0; i < history.size() && i < lastUser; i++) {
      if (history.get(i).contents().stream().anyMatch(c -> c instanceof ApprovalRequest)) {
        return i;
      }
    }
    return Math.max(lastUser, 0);
  }

  private static List<String> waitingCalls(List<Message> history) {
    List<String> out = new ArrayList<>();
    for (Message m : history) {
      for (Content c : m.contents()) {
        if (c instanceof ApprovalRequest r) {
          out.add(r.callId());
        }
      }
    }
    return out;
  }

  /** Role, texts and call ids of each message: what must be the same across the mapping. */
  private static List<String> said(List<Message> history) {
    List<String> out = new ArrayList<>();
    for (Message m : history) {
      StringBuilder sb = new StringBuilder(m.role().name());
      for (Content c : m.contents()) {
        if (c instanceof Text t) {
          sb.append(" text:").append(t.text());
        } else if (c instanceof ToolCall call) {
          sb.append(" call:").append(call.callId());
        } else if (c instanceof ToolResult r) {
          sb.append(" result:").append(r.callId());
        } else if (c instanceof ApprovalRequest r) {
          sb.append(" waiting:").append(r.callId());
        } else if (c instanceof ApprovalResponse r) {
          sb.append(" answer:").append(r.callId());
        } else if (c instanceof Opaque o) {
          sb.append(" opaque:").append(o.kind());
        }
      }
      out.add(sb.toString());
    }
    return out;
  }

  private static int post(Endpoint endpoint, String body) {
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
        String answer = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (status != 200) {
          throw new AssertionError("the referee refused the window's body (" + status + "): " + answer + "\n" + body);
        }
      }
      return status;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      referee.clearRequests();
    }
  }
}
