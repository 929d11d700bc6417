package dev.toolguard.examples.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.agent.tool.ToolSpecifications;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.service.tool.DefaultToolExecutor;
import dev.langchain4j.data.message.ChatMessageDeserializer;
import dev.langchain4j.data.message.ChatMessageSerializer;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.store.memory.chat.ChatMemoryStore;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiResponsesChatModel;
import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.RepairAction;
import dev.toolguard.core.loop.CallJournal;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.examples.Cells;
import dev.toolguard.examples.Row;
import dev.toolguard.examples.Scenario;
import dev.toolguard.examples.TourOptions.Target;
import dev.toolguard.examples.WayMain;
import dev.toolguard.examples.WayRunner;
import dev.toolguard.examples.internal.SharedJournal;
import dev.toolguard.core.conversation.ConversationStore;
import dev.toolguard.jdbc.JdbcCallJournal;
import dev.toolguard.jdbc.JdbcConversationStore;
import dev.toolguard.json.HistoryJson;
import dev.toolguard.langchain4j.LangChain4jToolGuard;
import dev.toolguard.langchain4j.ToolGuardChatMemoryStore;
import dev.toolguard.langchain4j.ToolLoop;
import dev.toolguard.langchain4j.TurnWindowChatMemory;
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
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.h2.jdbcx.JdbcDataSource;
import org.jspecify.annotations.Nullable;

/**
 * The way {@code langchain4j}: LangChain4j's own {@code OpenAiChatModel} (and {@code
 * OpenAiResponsesChatModel} for the Responses API's replayed output) against the referee. Bare, the
 * model gets the broken history as the application's memory holds it; guarded, the same model wrapped
 * by {@link LangChain4jToolGuard#wrap}. The approval scenarios run toolguard's {@link ToolLoop}, whose waiting
 * call lives in the memory itself and goes through LangChain4j's own JSON serializer.
 *
 * <pre>
 * java -jar examples-langchain4j/target/toolguard-examples-langchain4j.jar [--scenario NAME]
 *     [--base-url URL --api-key KEY --model NAME]
 * </pre>
 */
public final class TourWay implements WayRunner {

  /** The way's name. */
  public static final String WAY = "langchain4j";

  static final String MODEL = "gpt-4o-mini";
  static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Runs the way and prints its rows (see {@link WayMain}). */
  public static void main(String[] args) {
    WayMain.main(args, WAY, new TourWay());
  }

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

  /** LangChain4j's OpenAI chat model, as an application builds it, with only the base URL changed. */
  static ChatModel openAi(String baseUrl, String apiKey, String model) {
    return OpenAiChatModel.builder().baseUrl(baseUrl).apiKey(apiKey).modelName(model)
        .maxRetries(0).timeout(TIMEOUT).build();
  }

  private static final class Run {
    final ProviderReferee referee;
    final @Nullable Target target;
    final Cells cells;
    final String url;
    final String key;
    final String model;

    Run(ProviderReferee referee, @Nullable Target target) {
      this.referee = referee;
      this.target = target;
      this.cells = new Cells(referee, WAY, target);
      this.url = target == null ? referee.openAiBaseUrl() : target.baseUrl();
      this.key = target == null ? "test" : target.apiKey();
      this.model = target == null ? MODEL : target.model();
    }

    ChatModel bare() {
      return openAi(referee.openAiBaseUrl(), "test", MODEL);
    }

    ChatModel forGuarded() {
      return openAi(url, key, model);
    }

    List<Row> rows(Scenario s) throws IOException {
      if (s == Scenario.APPROVAL_AFTER_JSON || s == Scenario.APPROVAL_NEW_PROCESS) {
        return approval(s);
      }
      if (s == Scenario.TWO_INSTANCES) {
        return twoInstances(s);
      }
      if (s == Scenario.REPLAYED_MCP_OUTPUT) {
        List<ChatMessage> history = BrokenHistories.replayedMcpOutput();
        Row bare = cells.bare(s, () -> answer(responses(referee.openAiBaseUrl(), "test", MODEL), history, List.of()));
        Row guarded = cells.guarded(s, () -> "OpenAiResponsesChatModel: "
            + guarded(responses(url, key, model), history, List.of()));
        return List.of(bare, guarded);
      }
      List<ChatMessage> history = BrokenHistories.of(s);
      if (history == null) {
        return cells.notApplicable(s, "no history for this scenario");
      }
      Row bare = cells.bare(s, () -> answer(bare(), history, BrokenHistories.TOOLS));
      Row guarded = cells.guarded(s, () -> guarded(forGuarded(), history, BrokenHistories.TOOLS));
      return List.of(bare, guarded);
    }

    /** A call of {@code pay} waits for a human; the answer comes after JSON, or in a new process. */
    List<Row> approval(Scenario s) {
      boolean newProcess = s == Scenario.APPROVAL_NEW_PROCESS;
      ToolSpecification pay = ToolSpecifications.toolSpecificationsFrom(Payments.class).get(0);
      Row bare = cells.bare(s, () -> {
        referee.script().enqueue(Reply.toolCall("pay", Payments.ARGUMENTS));
        ChatModel m = bare();
        List<ChatMessage> memory = new ArrayList<>(List.of(
            SystemMessage.from("You are a payment assistant. Be brief."), UserMessage.from(Payments.REQUEST)));
        ChatResponse first = m.chat(ChatRequest.builder().messages(memory).toolSpecifications(pay).build());
        if (!first.aiMessage().hasToolExecutionRequests()) {
          throw new IllegalStateException("the model did not call pay: " + first.aiMessage().text());
        }
        memory.add(first.aiMessage());
        // the application asks the human, keeps the memory as JSON (or in a file a new process reads),
        // and sends the approval as a user message: the call is left without a result
        String json = ChatMessageSerializer.messagesToJson(memory);
        if (newProcess) {
          json = Files.readString(write(json), StandardCharsets.UTF_8);
        }
        List<ChatMessage> restored = new ArrayList<>(ChatMessageDeserializer.messagesFromJson(json));
        restored.add(UserMessage.from("Yes, approved."));
        return answer(m, restored, List.of(pay));
      });
      Row guarded = cells.guarded(s, () -> {
        if (target == null) {
          referee.script().enqueue(Reply.toolCall("pay", Payments.ARGUMENTS), Reply.text("Done: 40 EUR paid to Bob."));
        }
        Payments payments = new Payments();
        Path dir = Files.createTempDirectory("toolguard-tour-langchain4j-");
        try {
          // against a real model, the first request asks for a tool call so that there is one to approve
          ToolLoop.Result first = payLoop(forGuarded(), payments, target != null)
              .run(memory(onFile(dir), "alice"), SystemMessage.from("You are a payment assistant. Be brief."),
                  UserMessage.from(Payments.REQUEST));
          if (first.status() != LoopResult.Status.AWAITING || first.pending().size() != 1) {
            throw new IllegalStateException("the model did not call pay (status " + first.status() + "): "
                + first.text());
          }
          String callId = first.pending().get(0).request().id();
          if (newProcess) {
            String done = ResumeApproval.spawn(dir, url, key, model);
            return "ToolLoop AWAITING pay " + callId + "; ToolGuardChatMemoryStore on an H2 file; a new JVM approved by"
                + " call id, " + done;
          }
          // a new store and memory over the same database: every message comes back whole
          var memory = memory(onFile(dir), "alice");
          ApprovalRequest request = pendingIn(memory.messages());
          ToolLoop.Result done = payLoop(forGuarded(), payments, false)
              .run(memory, ToolLoop.answers("Yes, approved.", ApprovalResponse.approve(request)));
          if (done.status() != LoopResult.Status.COMPLETED || payments.made.get() != 1) {
            throw new IllegalStateException("the resumed run ended " + done.status() + " with " + payments.made.get()
                + " payments");
          }
          return "ToolLoop AWAITING pay " + callId + "; ToolGuardChatMemoryStore on H2, a new memory; approved by call"
              + " id; pay ran once; answer: " + done.text();
        } finally {
          deleteTree(dir);
        }
      });
      return List.of(bare, guarded);
    }

    /**
     * An approved call of {@code pay} is resumed by instance A, then by instance B from the same stale
     * copy of the memory (a load balancer's retry). Bare, each instance runs the kept call with
     * LangChain4j's own {@link DefaultToolExecutor} and adds its {@link ToolExecutionResultMessage}: pay
     * runs twice. Guarded, two {@link ToolLoop}s (each its own memory and tool object) share one {@link
     * dev.toolguard.jdbc.JdbcCallJournal}, keyed by the memory id: B reuses A's result.
     */
    List<Row> twoInstances(Scenario s) {
      ToolSpecification pay = ToolSpecifications.toolSpecificationsFrom(Payments.class).get(0);
      Row bare = cells.bareShows(s, () -> {
        referee.script().enqueue(Reply.toolCall("pay", Payments.ARGUMENTS));
        ChatModel m = bare();
        List<ChatMessage> memory = new ArrayList<>(List.of(
            SystemMessage.from("You are a payment assistant. Be brief."), UserMessage.from(Payments.REQUEST)));
        ChatResponse first = m.chat(ChatRequest.builder().messages(memory).toolSpecifications(pay).build());
        if (!first.aiMessage().hasToolExecutionRequests()) {
          throw new IllegalStateException("the model did not call pay: " + first.aiMessage().text());
        }
        memory.add(first.aiMessage());
        String copy = ChatMessageSerializer.messagesToJson(memory); // kept while the human decides
        int paid = 0;
        for (String instance : List.of("A", "B")) {
          // the human approved: each instance reads the copy, executes the kept call and sends its result
          Payments payments = new Payments(instance);
          List<ChatMessage> history = new ArrayList<>(ChatMessageDeserializer.messagesFromJson(copy));
          ToolExecutionRequest call = ((AiMessage) history.get(history.size() - 1)).toolExecutionRequests().get(0);
          String result = new DefaultToolExecutor(payments, call).execute(call, "alice");
          history.add(ToolExecutionResultMessage.from(call, result));
          answer(m, history, List.of(pay));
          paid += payments.made.get();
        }
        return new Cells.Shown(paid == 2, "DefaultToolExecutor: pay ran " + paid
            + " times for one approval (instance A, then B from its copy of the memory); the provider took both");
      });
      Row guarded = cells.guarded(s, () -> {
        if (target == null) {
          referee.script().enqueue(Reply.toolCall("pay", Payments.ARGUMENTS), Reply.text("Done: 40 EUR paid to Bob."),
              Reply.text("Done: 40 EUR paid to Bob."));
        }
        JdbcCallJournal journal = SharedJournal.h2();
        ChatMemoryStore store = ToolGuardChatMemoryStore.of(ConversationStore.inMemory());
        ToolLoop.Result first = payLoop(forGuarded(), new Payments("A"), target != null, journal)
            .run(memory(store, "alice"), SystemMessage.from("You are a payment assistant. Be brief."),
                UserMessage.from(Payments.REQUEST));
        if (first.status() != LoopResult.Status.AWAITING || first.pending().size() != 1) {
          throw new IllegalStateException("the model did not call pay (status " + first.status() + "): " + first.text());
        }
        String callId = first.pending().get(0).request().id();
        List<ChatMessage> copy = store.getMessages("alice"); // the stale copy: what A and B both read
        UserMessage approval = ToolLoop.answers("Yes, approved.", ApprovalResponse.approve(pendingIn(copy)));
        Payments onA = new Payments("A");
        Payments onB = new Payments("B");
        ChatMemoryStore storeA = ToolGuardChatMemoryStore.of(ConversationStore.inMemory());
        storeA.updateMessages("alice", copy);
        ToolLoop.Result a = payLoop(forGuarded(), onA, false, journal).run(memory(storeA, "alice"), approval);
        ChatMemoryStore storeB = ToolGuardChatMemoryStore.of(ConversationStore.inMemory());
        storeB.updateMessages("alice", copy);
        ToolLoop.Result b = payLoop(forGuarded(), onB, false, journal).run(memory(storeB, "alice"), approval);
        String inB = SharedJournal.resultOf(LangChain4jToolGuard.toCore(b.messages()), callId);
        if (a.status() != LoopResult.Status.COMPLETED || b.status() != LoopResult.Status.COMPLETED
            || onA.made.get() != 1 || onB.made.get() != 0 || inB == null || !inB.contains("\"instance\":\"A\"")) {
          throw new IllegalStateException("A ended " + a.status() + ", B " + b.status() + "; pay ran " + onA.made.get()
              + " times on A, " + onB.made.get() + " on B; B's result: " + inB);
        }
        return "2 ToolLoops, 1 JdbcCallJournal (H2), by memory id: A ran pay " + callId
            + ", B, on the same copy, reused A's result; pay ran once; answer: " + b.text();
      });
      return List.of(bare, guarded);
    }
  }

  static ToolLoop payLoop(ChatModel model, Payments payments, boolean askForACall, CallJournal journal) {
    ToolLoop.Builder b = ToolLoop.builder(model)
        .tools(payments)
        .config(LoopConfig.custom().approvalRequired(Set.of("pay")).build())
        .journal(journal);
    if (askForACall) {
      b.parameters(ChatRequestParameters.builder().toolChoice(ToolChoice.REQUIRED).build());
    }
    return b.build();
  }

  static ToolLoop payLoop(ChatModel model, Payments payments, boolean askForACall) {
    ToolLoop.Builder b = ToolLoop.builder(model)
        .tools(payments)
        .config(LoopConfig.custom().approvalRequired(Set.of("pay")).build());
    if (askForACall) {
      b.parameters(ChatRequestParameters.builder().toolChoice(ToolChoice.REQUIRED).build());
    }
    return b.build();
  }

  static ChatModel responses(String baseUrl, String apiKey, String model) {
    return OpenAiResponsesChatModel.builder().baseUrl(baseUrl).apiKey(apiKey).modelName(model).store(false).build();
  }

  /** The bare call: the model's answer, or the client's exception. */
  static String answer(ChatModel model, List<ChatMessage> history, List<ToolSpecification> tools) {
    try {
      ChatResponse r = model.chat(ChatRequest.builder().messages(history).toolSpecifications(tools).build());
      return "answered: " + r.aiMessage().text();
    } catch (RuntimeException e) {
      throw new IllegalStateException(clientError(e), e);
    }
  }

  /** The guarded call: what was repaired and the answer. */
  static String guarded(ChatModel model, List<ChatMessage> history, List<ToolSpecification> tools) {
    List<RepairAction> repairs = new CopyOnWriteArrayList<>();
    ChatModel guarded = LangChain4jToolGuard.custom().onRepair(r -> repairs.addAll(r.actions())).build().guard(model);
    ChatResponse r = guarded.chat(ChatRequest.builder().messages(history).toolSpecifications(tools).build());
    StringBuilder sb = new StringBuilder();
    for (RepairAction a : repairs) {
      sb.append(a.kind()).append(' ').append(a.callId().isEmpty() ? "(no id)" : a.callId());
      if (a.newCallId() != null) {
        sb.append(" -> ").append(a.newCallId());
      }
      sb.append("; ");
    }
    return sb.append("answer: ").append(r.aiMessage().text()).toString();
  }

  /**
   * The client's exception as it reports it: its type and the provider's message, taken out of the
   * JSON error body that LangChain4j puts in its message.
   */
  static String clientError(Throwable e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    String provider = message;
    int brace = message.indexOf('{');
    if (brace >= 0) {
      try {
        JsonNode json = JSON.readTree(message.substring(brace));
        JsonNode text = json.path("error").path("message");
        if (text.isTextual()) {
          provider = text.asText();
        }
      } catch (IOException ignored) {
        // not JSON: the message as it is
      }
    }
    return e.getClass().getSimpleName() + ": " + provider;
  }

  /** The call waiting for approval in a LangChain4j history, as the history holds it (matched later by id). */
  static ApprovalRequest pendingIn(List<ChatMessage> messages) {
    List<ApprovalRequest> waiting = FunctionInvokingLoop.waiting(LangChain4jToolGuard.toCore(messages));
    if (waiting.size() != 1) {
      throw new IllegalStateException(waiting.size() + " calls wait in the stored memory; expected the payment");
    }
    return waiting.get(0);
  }

  /**
   * toolguard's shipped store on the H2 database file in {@code dir}: whole messages, versioned saves; a new
   * data source per call, as a new process has, so another JVM can open the file once this one is done.
   */
  static ChatMemoryStore onFile(Path dir) {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:file:" + dir.resolve("memories").toAbsolutePath());
    return ToolGuardChatMemoryStore.of(JdbcConversationStore.builder(ds, HistoryJson.codec()).createTable(true).build());
  }

  /** A memory over {@code store} (as a new request or a new process makes one): 40 messages, whole turns. */
  static ChatMemory memory(ChatMemoryStore store, String id) {
    return TurnWindowChatMemory.builder().id(id).maxMessages(40).chatMemoryStore(store).build();
  }

  static Path write(String json) throws IOException {
    Path file = Files.createTempFile("toolguard-tour-langchain4j-", ".json");
    file.toFile().deleteOnExit();
    Files.writeString(file, json, StandardCharsets.UTF_8);
    return file;
  }

  static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is harmless
    }
  }
}
