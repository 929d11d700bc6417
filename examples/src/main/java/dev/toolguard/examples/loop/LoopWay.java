package dev.toolguard.examples.loop;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.core.RepairAction;
import dev.toolguard.core.Role;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.CallJournal;
import dev.toolguard.core.loop.ChatBackend;
import dev.toolguard.core.loop.ChatRequest;
import dev.toolguard.core.loop.ChatResponse;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.examples.Row;
import dev.toolguard.examples.Scenario;
import dev.toolguard.examples.TourOptions.Target;
import dev.toolguard.examples.Way;
import dev.toolguard.examples.WayRunner;
import dev.toolguard.examples.Cells;
import dev.toolguard.examples.internal.Histories;
import dev.toolguard.examples.internal.Http;
import dev.toolguard.examples.internal.SharedJournal;
import dev.toolguard.hosting.JdbcResponseStore;
import dev.toolguard.hosting.ResponsesServer;
import dev.toolguard.jdbc.JdbcConversationStore;
import com.fasterxml.jackson.databind.JsonNode;
import dev.toolguard.examples.internal.SharedJournal;
import dev.toolguard.jdbc.JdbcCallJournal;
import dev.toolguard.json.HistoryJson;
import dev.toolguard.json.WireCodec;
import dev.toolguard.json.WireRequest;
import dev.toolguard.json.http.HttpBackendConfig;
import dev.toolguard.json.http.HttpChatBackend;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The way {@code loop}: a framework-free application on toolguard-core and toolguard-json's {@link
 * HttpChatBackend} (the JDK's HTTP client). Bare, the application writes its history as the provider's
 * JSON and POSTs it as it is; guarded, {@link FunctionInvokingLoop} runs over the HTTP backend: it
 * repairs the history before each request, owns the call/result order, and keeps a call that needs
 * approval waiting in the history itself.
 */
public final class LoopWay implements WayRunner {

  /**
   * The key of the approval scenario's conversation, in this JVM and in the one that resumes it: the
   * loop scopes a waiting call to its conversation, so both runs name the same one.
   */
  static final String CONVERSATION = "tour-approval";

  /** The key of the conversation that both instances of {@code two-instances} resume. */
  static final String TWO_INSTANCES = "tour-two-instances";


  static final String MODEL = "gpt-4o-mini";
  static final String PAID = "{\"status\":\"paid\",\"to\":\"Bob\",\"amount\":40}";

  private final String way = Way.LOOP.id();

  @Override
  public Result run(List<Scenario> scenarios, @Nullable Target target) {
    return run(scenarios, target, row -> { });
  }

  @Override
  public Result run(List<Scenario> scenarios, @Nullable Target target, Consumer<Row> onRow) {
    try (ProviderReferee referee = ProviderReferee.start()) {
      Run run = new Run(referee, target);
      return Result.of(run.cells.each(scenarios, run::rows, onRow));
    }
  }

  /** One run of the way: the referee, the backends, the cells. */
  private final class Run {
    private final ProviderReferee referee;
    private final @Nullable Target target;
    private final Cells cells;
    private final String guardedUrl;
    private final String guardedKey;
    private final String guardedModel;

    Run(ProviderReferee referee, @Nullable Target target) {
      this.referee = referee;
      this.target = target;
      this.cells = new Cells(referee, way, target);
      this.guardedUrl = target == null ? referee.openAiBaseUrl() : target.baseUrl();
      this.guardedKey = target == null ? "test" : target.apiKey();
      this.guardedModel = target == null ? MODEL : target.model();
    }

    ChatBackend bareChat() {
      return HttpChatBackend.openAiChat(config(referee.openAiBaseUrl(), "test", MODEL));
    }

    /**
     * The bare application: it writes its history as the provider's JSON (toolguard-json's codec, which
     * changes nothing) and POSTs it with the JDK's HTTP client, as it is.
     */
    String post(Dialect dialect, List<Message> history, List<ToolSpec> tools) {
      boolean chat = dialect == Dialect.OPENAI_CHAT;
      ObjectNode envelope = Http.JSON.createObjectNode().put("model", MODEL);
      envelope.putArray(chat ? "messages" : "input");
      if (!tools.isEmpty()) {
        ArrayNode array = envelope.putArray("tools");
        for (ToolSpec spec : tools) {
          ObjectNode fn = chat ? array.addObject().put("type", "function").putObject("function")
              : array.addObject().put("type", "function");
          fn.put("name", spec.name()).put("description", spec.description());
          fn.set("parameters", Http.parse(spec.parametersSchema()));
        }
      }
      if (!chat) {
        envelope.put("store", false);
      }
      String body = WireCodec.of(dialect).write(new WireRequest(dialect, history, envelope));
      Http.Answer answer = Http.post(referee.openAiBaseUrl() + (chat ? "/chat/completions" : "/responses"), body,
          "test", Duration.ofSeconds(60));
      if (!answer.ok()) {
        throw new IllegalStateException("HTTP " + answer.status() + ": " + answer.errorMessage());
      }
      return "answered: HTTP " + answer.status();
    }

    ChatBackend guardedChat() {
      return HttpChatBackend.openAiChat(config(guardedUrl, guardedKey, guardedModel));
    }

    List<Row> rows(Scenario s) {
      if (s == Scenario.REPLAYED_MCP_OUTPUT) {
        return replayed(s);
      }
      if (s == Scenario.APPROVAL_AFTER_JSON || s == Scenario.APPROVAL_NEW_PROCESS) {
        return approval(s);
      }
      if (s == Scenario.TWO_INSTANCES) {
        return twoInstances(s);
      }
      if (s == Scenario.HOSTED_APPROVAL) {
        return hosted(s);
      }
      if (s == Scenario.GEMINI_RESPONSE_TURN || s == Scenario.MISTRAL_CALL_ID || s == Scenario.BEDROCK_TOOL_RESULT
          || s == Scenario.OLLAMA_RESULT_ORDER) {
        return provider(s);
      }
      List<Message> history = Histories.chat(s);
      if (history == null) {
        return cells.notApplicable(s, "no history for this scenario");
      }
      Row bare = cells.bare(s, () -> post(Dialect.OPENAI_CHAT, history, List.of(Histories.WEATHER, Histories.TIME)));
      Row guarded = cells.guarded(s, () -> describe(weatherLoop(guardedChat()).run(history), ""));
      return List.of(bare, guarded);
    }

    /**
     * A provider's typical failure (Gemini, Mistral, Bedrock Converse, Ollama): bare, the history as the
     * provider's JSON POSTed as it is; guarded, the loop over toolguard-json's HTTP backend of that
     * provider. Against the referee only: a target is an OpenAI-compatible endpoint.
     */
    List<Row> provider(Scenario s) {
      if (target != null) {
        return cells.notApplicable(s, "the target is OpenAI-compatible; this provider's row runs on the referee");
      }
      Dialect d = s == Scenario.GEMINI_RESPONSE_TURN ? Dialect.GEMINI : s == Scenario.MISTRAL_CALL_ID ? Dialect.MISTRAL
          : s == Scenario.BEDROCK_TOOL_RESULT ? Dialect.BEDROCK_CONVERSE : Dialect.OLLAMA;
      List<Message> history = Providers.history(d);
      Row bare;
      if (d == Dialect.OLLAMA) {
        bare = cells.bareShows(s, () -> {
          Http.Answer answer = Providers.postBare(referee, d, history);
          List<String> order = Providers.ollamaResultOrder(referee);
          return new Cells.Shown(answer.ok() && order.equals(List.of("time", "weather")), "HTTP " + answer.status()
              + ", results sent " + order + " for calls [weather, time]: by order, weather gets time's result");
        });
      } else {
        bare = cells.bare(s, () -> {
          Http.Answer answer = Providers.postBare(referee, d, history);
          if (!answer.ok()) {
            throw new IllegalStateException("HTTP " + answer.status() + ": " + Providers.message(answer));
          }
          return "answered: HTTP " + answer.status();
        });
      }
      Row guarded = cells.guarded(s, () -> {
        String result = describe(weatherLoop(HttpChatBackend.of(d, Providers.config(referee, d))).run(history),
            d.id() + " backend: ");
        if (d == Dialect.OLLAMA) {
          List<String> order = Providers.ollamaResultOrder(referee);
          if (!order.equals(List.of("weather", "time"))) {
            throw new IllegalStateException("the results went out as " + order);
          }
          return "results sent " + order + ", by order and name; " + result;
        }
        if (d == Dialect.MISTRAL) {
          return "call id sent as " + Providers.mistralCallId(referee) + " (9 alphanumerics); " + result;
        }
        return result;
      });
      return List.of(bare, guarded);
    }

    /** The Responses API: a stored output replayed without its call. */
    List<Row> replayed(Scenario s) {
      String body = Histories.replayedMcpOutputBody(target == null ? referee : null, guardedModel).toString();
      List<Message> history = WireCodec.openAiResponses().read(body).history();
      Row bare = cells.bare(s, () -> post(Dialect.OPENAI_RESPONSES, history, List.of()));
      Row guarded = cells.guarded(s, () -> describe(
          weatherLoop(HttpChatBackend.openAiResponses(unstored(guardedUrl, guardedKey, guardedModel))).run(history), "Responses API: "));
      return List.of(bare, guarded);
    }

    /** A call of {@code pay} waits for a human; the answer comes after JSON, or in a new process. */
    List<Row> approval(Scenario s) {
      boolean newProcess = s == Scenario.APPROVAL_NEW_PROCESS;
      List<Message> start = List.of(Message.system("You are a payment assistant. Be brief."),
          Message.user(Histories.PAY_REQUEST));
      Row bare = cells.bare(s, () -> {
        referee.script().enqueue(Reply.toolCall("pay", Histories.PAY_ARGUMENTS));
        ChatBackend backend = bareChat();
        ChatResponse first = backend.send(new ChatRequest(start, List.of(Histories.PAY), Map.of()));
        if (!first.message().hasToolCalls()) {
          throw new IllegalStateException("the model did not call pay: " + first.message().text());
        }
        List<Message> stored = new ArrayList<>(start);
        stored.add(first.message());
        // the application asks the human, stores the history (JSON, or a file another process reads),
        // and sends the answer as a user message: the call is left without a result
        String json = HistoryJson.write(stored);
        if (newProcess) {
          json = Files.readString(write(stored), StandardCharsets.UTF_8);
        }
        List<Message> restored = new ArrayList<>(HistoryJson.read(json));
        restored.add(Message.user("Yes, approved."));
        return post(Dialect.OPENAI_CHAT, restored, List.of(Histories.PAY));
      });
      Row guarded = cells.guarded(s, () -> {
        if (target == null) {
          referee.script().enqueue(Reply.toolCall("pay", Histories.PAY_ARGUMENTS), Reply.text("Done: 40 EUR paid to Bob."));
        }
        AtomicInteger payments = new AtomicInteger();
        // against a real model, the first request asks for a tool call so that there is one to approve
        Map<String, Object> firstOptions = target == null ? Map.of() : Map.of("tool_choice", "required");
        LoopResult first = payLoop(guardedChat(), payments, firstOptions).run(CONVERSATION, start);
        if (first.status() != LoopResult.Status.AWAITING || first.pending().size() != 1) {
          throw new IllegalStateException("the model did not call pay (status " + first.status() + "): " + first.text());
        }
        String callId = first.pending().get(0).callId();
        String json = HistoryJson.write(first.history());
        if (newProcess) {
          Path file = write(first.history());
          String done = ResumeApproval.spawn(file, guardedUrl, guardedKey, guardedModel);
          return "AWAITING pay " + callId + "; history to a file (HistoryJson); a new JVM approved by call id, " + done;
        }
        List<Message> restored = new ArrayList<>(HistoryJson.read(json));
        ApprovalRequest request = ResumeApproval.pendingIn(restored);
        restored.add(Message.of(Role.USER, ApprovalResponse.approve(request), Text.of("Yes, approved.")));
        LoopResult done = payLoop(guardedChat(), payments, Map.of()).run(CONVERSATION, restored);
        if (done.status() != LoopResult.Status.COMPLETED || payments.get() != 1) {
          throw new IllegalStateException("the resumed run ended " + done.status() + " with " + payments.get() + " payments");
        }
        return "AWAITING pay " + callId + "; history through JSON (HistoryJson); approved by call id; pay ran once; "
            + "answer: " + done.text();
      });
      return List.of(bare, guarded);
    }

    /**
     * An approved call of {@code pay} is resumed by instance A, then by instance B from the same stale copy
     * of the history (a load balancer's retry). Bare, the application runs the stored call itself on
     * each: pay runs twice. Guarded, two loops share one {@link dev.toolguard.jdbc.JdbcCallJournal}: B
     * finds the call settled and reuses A's result.
     */
    List<Row> twoInstances(Scenario s) {
      List<Message> start = List.of(Message.system("You are a payment assistant. Be brief."),
          Message.user(Histories.PAY_REQUEST));
      Row bare = cells.bareShows(s, () -> {
        referee.script().enqueue(Reply.toolCall("pay", Histories.PAY_ARGUMENTS));
        ChatResponse first = bareChat().send(new ChatRequest(start, List.of(Histories.PAY), Map.of()));
        if (!first.message().hasToolCalls()) {
          throw new IllegalStateException("the model did not call pay: " + first.message().text());
        }
        List<Message> waiting = new ArrayList<>(start);
        waiting.add(first.message());
        String copy = HistoryJson.write(waiting); // the stored history with the call the human approves
        AtomicInteger payments = new AtomicInteger();
        for (String instance : List.of("A", "B")) {
          // each instance reads the copy, runs the approved call from it, and sends the result
          List<Message> history = new ArrayList<>(HistoryJson.read(copy));
          ToolCall call = history.get(history.size() - 1).toolCalls().get(0);
          payments.incrementAndGet();
          history.add(Message.tool(ToolResult.of(call.callId(), call.name(), paid(instance))));
          post(Dialect.OPENAI_CHAT, history, List.of(Histories.PAY));
        }
        return new Cells.Shown(payments.get() == 2, "pay ran " + payments.get()
            + " times for one approval (instance A, then B from its copy of the history); the provider took both");
      });
      Row guarded = cells.guarded(s, () -> {
        if (target == null) {
          referee.script().enqueue(Reply.toolCall("pay", Histories.PAY_ARGUMENTS),
              Reply.text("Done: 40 EUR paid to Bob."), Reply.text("Done: 40 EUR paid to Bob."));
        }
        JdbcCallJournal journal = SharedJournal.h2();
        AtomicInteger payments = new AtomicInteger();
        Map<String, Object> firstOptions = target == null ? Map.of() : Map.of("tool_choice", "required");
        LoopResult first = payLoop(guardedChat(), payments, firstOptions, "A", journal).run(TWO_INSTANCES, start);
        if (first.status() != LoopResult.Status.AWAITING || first.pending().size() != 1) {
          throw new IllegalStateException("the model did not call pay (status " + first.status() + "): " + first.text());
        }
        String callId = first.pending().get(0).callId();
        List<Message> approved = new ArrayList<>(HistoryJson.read(HistoryJson.write(first.history())));
        approved.add(Message.of(Role.USER, ApprovalResponse.approve(ResumeApproval.pendingIn(approved)),
            Text.of("Yes, approved.")));
        String copy = HistoryJson.write(approved); // what the load balancer sends to A, and again to B
        LoopResult a = payLoop(guardedChat(), payments, Map.of(), "A", journal).run(TWO_INSTANCES, HistoryJson.read(copy));
        LoopResult b = payLoop(guardedChat(), payments, Map.of(), "B", journal).run(TWO_INSTANCES, HistoryJson.read(copy));
        String inB = SharedJournal.resultOf(b.history(), callId);
        if (a.status() != LoopResult.Status.COMPLETED || b.status() != LoopResult.Status.COMPLETED
            || payments.get() != 1 || inB == null || !inB.equals(paid("A"))) {
          throw new IllegalStateException("A ended " + a.status() + ", B " + b.status() + "; pay ran " + payments.get()
              + " times; B's result: " + inB);
        }
        return "two loops sharing a JdbcCallJournal (H2): A ran pay " + callId + ", B resumed the same copy and reused"
            + " A's result; pay ran once; answer: " + b.text();
      });
      return List.of(bare, guarded);
    }

    /**
     * A hosted agent asks for approval of {@code pay} on instance A; the client answers on instance B,
     * both through real HTTP. Bare, each instance keeps its approval requests in a side store of its own
     * ({@link SideStoreHost}): B cannot find the request. Guarded, two toolguard-hosting {@link
     * ResponsesServer}s share one H2 database: B resumes the call from its signed id, pay runs once, and
     * the same answer replayed on A is refused.
     */
    List<Row> hosted(Scenario s) {
      Row bare = cells.bareShows(s, () -> {
        referee.script().enqueue(Reply.toolCall("pay", Histories.PAY_ARGUMENTS));
        AtomicInteger payments = new AtomicInteger();
        Path dir = Files.createTempDirectory("toolguard-tour-side-store-");
        try (SideStoreHost a = new SideStoreHost(bareChat(), Histories.PAY, args -> {
              payments.incrementAndGet();
              return paid("A");
            }, dir.resolve("a.json"));
            SideStoreHost b = new SideStoreHost(bareChat(), Histories.PAY, args -> {
              payments.incrementAndGet();
              return paid("B");
            }, dir.resolve("b.json"))) {
          String approvalId = approvalIn(hostPost(a.baseUrl(), ask(null)));
          Http.Answer answered = Http.post(b.baseUrl() + "/responses", approve(null, approvalId).toString(), null,
              Duration.ofSeconds(60));
          String why = answered.errorMessage().replace(approvalId, approvalId.substring(0, 9) + "…");
          return new Cells.Shown(answered.status() == 400 && payments.get() == 0, "answered on host B: HTTP "
              + answered.status() + ": " + why + "; pay ran " + payments.get() + " times");
        }
      });
      if (target != null) {
        return List.of(bare, Row.notApplicable(s, way, Row.Side.GUARDED, "the hosted row runs against the referee"
            + " only: its model must call pay"));
      }
      Row guarded = cells.guarded(s, () -> {
        referee.script().enqueue(Reply.toolCall("pay", Histories.PAY_ARGUMENTS), Reply.text("Done: 40 EUR paid to Bob."));
        javax.sql.DataSource db = SharedJournal.h2Database();
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        AtomicInteger payments = new AtomicInteger();
        try (ResponsesServer a = hostedInstance(db, secret, payments, "A");
            ResponsesServer b = hostedInstance(db, secret, payments, "B")) {
          JsonNode asked = hostPost(a.baseUrl(), ask(null));
          String approvalId = approvalIn(asked);
          ObjectNode answer = approve(asked.path("id").asText(), approvalId);
          JsonNode done = hostPost(b.baseUrl(), answer);
          Http.Answer replayed = Http.post(a.baseUrl() + "/responses", answer.toString(), null, Duration.ofSeconds(60));
          String code = replayed.json() == null ? "" : replayed.json().path("error").path("code").asText();
          if (payments.get() != 1 || replayed.status() != 400 || !code.equals("approval_already_used")) {
            throw new IllegalStateException("pay ran " + payments.get() + " times; the replay on A answered HTTP "
                + replayed.status() + " " + code);
          }
          return "2 ResponsesServers, 1 H2: asked on A, approved on B: pay ran once; replay on A: 400 " + code
              + "; answer: " + textIn(done);
        }
      });
      return List.of(bare, guarded);
    }

    /** One hosted instance of {@code hosted-approval}: its own server, the shared database and secret. */
    ResponsesServer hostedInstance(javax.sql.DataSource db, byte[] secret, AtomicInteger payments, String instance) {
      FunctionInvokingLoop.Builder agent = FunctionInvokingLoop.builder()
          .tools(LoopTool.of(Histories.PAY, args -> {
            payments.incrementAndGet();
            return paid(instance);
          }))
          .config(LoopConfig.custom().approvalRequired(Set.of("pay")).build());
      return ResponsesServer.builder(guardedChat(), agent).secret(secret)
          .journal(JdbcCallJournal.builder(db).createTable(true).build())
          .conversations(JdbcConversationStore.builder(db, HistoryJson.codec()).createTable(true).build())
          .responses(JdbcResponseStore.of(db).createTable())
          .start();
    }
  }

  /** A Responses request that asks for the payment (continuing {@code previous} when given). */
  static ObjectNode ask(@Nullable String previous) {
    ObjectNode body = Http.JSON.createObjectNode().put("model", MODEL).put("input", Histories.PAY_REQUEST);
    if (previous != null) {
      body.put("previous_response_id", previous);
    }
    return body;
  }

  /** A Responses request that approves {@code approvalId}. */
  static ObjectNode approve(@Nullable String previous, String approvalId) {
    ObjectNode body = Http.JSON.createObjectNode().put("model", MODEL);
    if (previous != null) {
      body.put("previous_response_id", previous);
    }
    body.putArray("input").addObject().put("type", "mcp_approval_response").put("approval_request_id", approvalId)
        .put("approve", true);
    return body;
  }

  /** POSTs {@code body} to a host's {@code /responses}; the Response object, or an exception. */
  static JsonNode hostPost(String baseUrl, JsonNode body) {
    Http.Answer answer = Http.post(baseUrl + "/responses", body.toString(), null, Duration.ofSeconds(60));
    if (!answer.ok() || answer.json() == null) {
      throw new IllegalStateException("HTTP " + answer.status() + " from " + baseUrl + ": " + answer.errorMessage());
    }
    return answer.json();
  }

  /** The id of the one {@code mcp_approval_request} in a Response object, or an exception. */
  static String approvalIn(JsonNode response) {
    for (JsonNode item : response.path("output")) {
      if (item.path("type").asText().equals("mcp_approval_request") && item.path("name").asText().equals("pay")) {
        return item.path("id").asText();
      }
    }
    throw new IllegalStateException("no approval request for pay in " + response.path("output"));
  }

  /** The assistant text of a Response object. */
  static String textIn(JsonNode response) {
    StringBuilder sb = new StringBuilder();
    for (JsonNode item : response.path("output")) {
      for (JsonNode part : item.path("content")) {
        if (part.path("type").asText().equals("output_text")) {
          sb.append(part.path("text").asText());
        }
      }
    }
    return sb.toString();
  }

  /** toolguard-json's HTTP backend configuration for an OpenAI-compatible endpoint. */
  static HttpBackendConfig config(String baseUrl, String apiKey, String model) {
    return HttpBackendConfig.builder().baseUrl(baseUrl).apiKey(apiKey).model(model)
        .requestTimeout(Duration.ofSeconds(60)).build();
  }

  /** The same, keeping nothing on the server (Responses API). */
  static HttpBackendConfig unstored(String baseUrl, String apiKey, String model) {
    return config(baseUrl, apiKey, model).toBuilder().bodyField("store", false).build();
  }

  static FunctionInvokingLoop weatherLoop(ChatBackend backend) {
    return FunctionInvokingLoop.builder(backend)
        .tools(LoopTool.of(Histories.WEATHER, args -> "sunny, 21 C"), LoopTool.of(Histories.TIME, args -> "12:00"))
        .build();
  }

  static FunctionInvokingLoop payLoop(ChatBackend backend, AtomicInteger payments, Map<String, Object> options) {
    return FunctionInvokingLoop.builder(backend)
        .tools(LoopTool.of(Histories.PAY, args -> {
          payments.incrementAndGet();
          return PAID;
        }))
        .config(LoopConfig.custom().approvalRequired(Set.of("pay")).build())
        .options(options)
        .build();
  }

  /** One instance's loop of {@code two-instances}: its own objects, the shared journal; pay says who ran it. */
  static FunctionInvokingLoop payLoop(ChatBackend backend, AtomicInteger payments, Map<String, Object> options,
      String instance, CallJournal journal) {
    return FunctionInvokingLoop.builder(backend)
        .tools(LoopTool.of(Histories.PAY, args -> {
          payments.incrementAndGet();
          return paid(instance);
        }))
        .config(LoopConfig.custom().approvalRequired(Set.of("pay")).build())
        .journal(journal)
        .options(options)
        .build();
  }

  /** What pay returns on {@code instance}. */
  static String paid(String instance) {
    return "{\"status\":\"paid\",\"to\":\"Bob\",\"amount\":40,\"instance\":\"" + instance + "\"}";
  }

  /** What a guarded run repaired and answered, or an exception when it did not complete. */
  static String describe(LoopResult r, String prefix) {
    if (r.status() != LoopResult.Status.COMPLETED) {
      throw new IllegalStateException("the loop ended " + r.status() + ": " + r.text());
    }
    StringBuilder sb = new StringBuilder(prefix);
    sb.append(repairs(r.repairs()));
    return sb.append("answer: ").append(r.text()).toString();
  }

  /** {@code MOVE call_1; SYNTHESIZE call_2; } or empty. */
  static String repairs(List<RepairAction> actions) {
    StringBuilder sb = new StringBuilder();
    for (RepairAction a : actions) {
      sb.append(a.kind()).append(' ').append(a.callId().isEmpty() ? "(no id)" : a.callId());
      if (a.newCallId() != null) {
        sb.append(" -> ").append(a.newCallId());
      }
      sb.append("; ");
    }
    return sb.toString();
  }

  static Path write(List<Message> history) throws IOException {
    Path file = Files.createTempFile("toolguard-tour-", ".json");
    file.toFile().deleteOnExit();
    Files.writeString(file, HistoryJson.write(history), StandardCharsets.UTF_8);
    return file;
  }
}
