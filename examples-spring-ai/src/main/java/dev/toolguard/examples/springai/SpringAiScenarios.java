package dev.toolguard.examples.springai;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Message;
import dev.toolguard.core.RepairAction;
import dev.toolguard.core.RepairPolicy;
import dev.toolguard.core.RepairResult;
import dev.toolguard.core.Violation;
import dev.toolguard.core.loop.ApprovalSigner;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.examples.springai.TourWay.Env;
import dev.toolguard.jdbc.JdbcCallJournal;
import dev.toolguard.springai.ToolGuardAdvisor;
import dev.toolguard.springai.ToolGuardChatMemoryRepository;
import dev.toolguard.springai.ToolGuardChatMemory;
import dev.toolguard.springai.ToolGuardSpringAi;
import dev.toolguard.testkit.Reply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.h2.jdbcx.JdbcDataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.client.AdvisorParams;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.MessageChatMemoryAdvisor;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.memory.MessageWindowChatMemory;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.model.tool.ToolExecutionResult;
import org.springframework.ai.support.ToolCallbacks;

/**
 * The tour's scenarios through Spring AI: for each, the bare Spring AI call and the guarded one.
 * Histories are Spring AI messages; the model is Spring AI's {@code OpenAiChatModel}.
 */
final class SpringAiScenarios {

  /** The scenario names, in the protocol's order. */
  static final List<String> NAMES = List.of("user-between", "evicted-call", "replayed-mcp-output", "crash-after-call",
      "rewritten-ids", "approval-after-json", "approval-new-process", "duplicate-result", "late-result",
      "early-result", "parallel-split", "two-instances");

  /** The key both processes of {@code approval-new-process} sign and check approvals with. */
  static final byte[] APPROVAL_KEY = "toolguard tour: a key of at least thirty-two bytes".getBytes(StandardCharsets.UTF_8);

  static final String PAY_ARGS = "{\"invoice\":\"INV-42\",\"amount\":5}";
  static final String PAY_ASK = "Pay invoice INV-42 of 5 EUR with the pay tool.";

  private SpringAiScenarios() {}

  /** One step of a cell: returns the answer (bare: it should have failed) or the detail (guarded). */
  @FunctionalInterface
  interface Step {
    String run(Env env) throws Exception;
  }

  /**
   * A scenario: its name, its bare step and its guarded step. When {@code bareRuns} is set, the bare
   * step's failure is not a 400 but that it ran a tool twice ({@code two-instances}): it throws {@link
   * NotShown} when it did not, and its detail is the row's.
   */
  record Scenario(String name, Step bare, Step guarded, boolean bareRuns) {

    Scenario(String name, Step bare, Step guarded) {
      this(name, bare, guarded, false);
    }

    Row bare(Env env) {
      if (env.real()) {
        return Row.notApplicable(name, "bare", "bare runs against the referee only: its strictness is the point");
      }
      env.referee.reset();
      if (bareRuns) {
        try {
          return Row.pass(name, "bare", bare.run(env));
        } catch (NotShown e) {
          return Row.fail(name, "bare", "the bare side did not run pay twice, so the scenario proves nothing: "
              + e.getMessage());
        } catch (Exception e) {
          return Row.fail(name, "bare", "the bare side failed before it ran pay twice: " + reported(e));
        }
      }
      String answer;
      try {
        answer = bare.run(env);
      } catch (Exception e) {
        int rejections = env.referee.rejections().size();
        String reported = reported(e);
        if (rejections > 0 && reported.contains("400")) {
          return Row.pass(name, "bare", reported);
        }
        return Row.fail(name, "bare", "failed, but not with the provider's 400: " + reported);
      }
      return Row.fail(name, "bare", "the bare Spring AI call did not fail (answer: " + answer + ")");
    }

    Row guarded(Env env) {
      if (env.referee != null) {
        env.referee.reset();
      }
      String detail;
      try {
        detail = guarded.run(env);
      } catch (Exception e) {
        return Row.fail(name, "guarded", reported(e));
      }
      if (env.referee != null && !env.referee.rejections().isEmpty()) {
        return Row.fail(name, "guarded", "the referee refused a request: "
            + env.referee.rejections().get(0).errorMessage());
      }
      return Row.pass(name, "guarded", detail);
    }
  }

  /** The error as Spring AI reports it: the exception's type and message (its cause's when it has none). */
  static String reported(Throwable e) {
    if (e instanceof SecondProcess.Failed) {
      return e.getMessage();
    }
    Throwable t = e;
    while (t.getMessage() == null && t.getCause() != null) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  static List<Scenario> all() {
    return List.of(
        advisorScenario("user-between",
            List.of(user("What is the weather in Paris?"), weatherCalls("call_1"),
                user("(typed while the tool ran) and in Rome?"), weatherResult("call_1"), user("thanks"))),
        new Scenario("evicted-call", SpringAiScenarios::evictedBare, SpringAiScenarios::evictedGuarded),
        advisorScenario("replayed-mcp-output",
            List.of(user("What is the weather in Paris?"), weatherCalls("call_1"), weatherResult("call_1"),
                weatherResult("mcp_5d1e0c"), user("and now?")),
            "Chat Completions: the replayed output is a tool message whose call is gone; "),
        new Scenario("crash-after-call", SpringAiScenarios::crashBare, SpringAiScenarios::crashGuarded),
        advisorScenario("rewritten-ids",
            List.of(user("What is the weather in Paris?"), weatherCalls("call_1"),
                weatherResult("call_9b2e4f0a-7c1d"), user("so?"))),
        new Scenario("approval-after-json", SpringAiScenarios::approvalJsonBare, SpringAiScenarios::approvalJsonGuarded),
        new Scenario("approval-new-process", SpringAiScenarios::newProcessBare, SpringAiScenarios::newProcessGuarded),
        advisorScenario("duplicate-result",
            List.of(user("What is the weather in Paris?"), weatherCalls("call_1"), weatherResult("call_1"),
                weatherResult("call_1"), user("so?"))),
        advisorScenario("late-result",
            List.of(user("What is the weather in Paris?"), weatherCalls("call_1"), user("anyone?"),
                new AssistantMessage("Still looking."), weatherResult("call_1"), user("so?"))),
        advisorScenario("early-result",
            List.of(user("What is the weather in Paris?"), weatherResult("call_1"), weatherCalls("call_1"),
                user("so?"))),
        advisorScenario("parallel-split",
            List.of(user("Weather in Paris and in Rome?"), weatherCalls("call_1", "call_2"), weatherResult("call_1"),
                user("hurry"), weatherResult("call_2"), user("so?"))),
        new Scenario("two-instances", SpringAiScenarios::twoInstancesBare, SpringAiScenarios::twoInstancesGuarded,
            true));
  }

  // ---- broken histories sent as they are (bare) and through ToolGuardAdvisor (guarded) ----

  static Scenario advisorScenario(String name, List<org.springframework.ai.chat.messages.Message> history) {
    return advisorScenario(name, history, "");
  }

  static Scenario advisorScenario(String name, List<org.springframework.ai.chat.messages.Message> history,
      String note) {
    Step bare = env -> ChatClient.builder(env.chatModel).build()
        .prompt().messages(history).tools(new TourTools.Weather()).call().content();
    Step guarded = env -> {
      ChatClient client = ChatClient.builder(env.chatModel)
          .defaultAdvisors(ToolGuardSpringAi.advisor().build()).build();
      ChatClientResponse response = client.prompt().messages(history).tools(new TourTools.Weather())
          .call().chatClientResponse();
      LoopResult result = (LoopResult) response.context().get(ToolGuardAdvisor.LOOP_RESULT);
      return note + "ToolGuardAdvisor: " + repairs(result.repairs()) + "; answer: " + answer(response);
    };
    return new Scenario(name, bare, guarded);
  }

  // ---- evicted-call: a memory window cut between a call and its result ----

  /** What the window keeps: a user message typed while the tool ran became its cut; the call is gone. */
  static MessageWindowChatMemory cutWindow() {
    MessageWindowChatMemory window = MessageWindowChatMemory.builder().maxMessages(4).build();
    window.add("evicted", List.of(user("What is the weather in Paris?"), weatherCalls("call_1"),
        user("(typed while the tool ran) and in Rome?"), weatherResult("call_1"),
        new AssistantMessage("Sunny in Paris."), user("thanks")));
    return window;
  }

  static String evictedBare(Env env) {
    ChatClient bare = ChatClient.builder(env.chatModel)
        .defaultAdvisors(MessageChatMemoryAdvisor.builder(cutWindow()).build()).build();
    return bare.prompt().user("and tomorrow?").tools(new TourTools.Weather())
        .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "evicted")).call().content();
  }

  static String evictedGuarded(Env env) {
    RecordingGuard guard = new RecordingGuard();
    ChatMemory memory = ToolGuardChatMemory.of(cutWindow(), guard);
    ChatClient client = ChatClient.builder(env.chatModel)
        .defaultAdvisors(MessageChatMemoryAdvisor.builder(memory).build()).build();
    String answer = client.prompt().user("and tomorrow?").tools(new TourTools.Weather())
        .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "evicted")).call().content();
    return "ToolGuardChatMemory under MessageChatMemoryAdvisor (window of 4): " + repairs(guard.actions)
        + "; answer: " + answer;
  }

  // ---- crash-after-call: the call was stored, the process died before its result ----

  static ChatMemory crashedMemory() {
    ChatMemory memory = MessageWindowChatMemory.builder().build();
    memory.add("crashed", List.of(user("What is the weather in Paris?"), weatherCalls("call_1")));
    return memory;
  }

  static String crashBare(Env env) {
    ChatClient bare = ChatClient.builder(env.chatModel)
        .defaultAdvisors(MessageChatMemoryAdvisor.builder(crashedMemory()).build()).build();
    return bare.prompt().user("hello? are you still there?").tools(new TourTools.Weather())
        .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "crashed")).call().content();
  }

  static String crashGuarded(Env env) {
    List<RepairAction> actions = new CopyOnWriteArrayList<>();
    ChatClient client = ChatClient.builder(env.chatModel)
        .defaultAdvisors(MessageChatMemoryAdvisor.builder(crashedMemory()).build(),
            ToolGuardSpringAi.repairAdvisor().withListener(r -> actions.addAll(r.actions())))
        .build();
    String answer = client.prompt().user("hello? are you still there?").tools(new TourTools.Weather())
        .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "crashed")).call().content();
    return "ToolGuardRepairAdvisor under Spring AI's own tool loop: " + repairs(actions) + "; answer: " + answer;
  }

  // ---- approval-after-json: the call waits for a human while the history is stored as JSON ----

  /** Spring AI's user-controlled tool execution: the model's pay call comes back unexecuted. */
  static List<org.springframework.ai.chat.messages.Message> bareWaiting(Env env) {
    env.referee.script().enqueue(Reply.toolCall("pay", PAY_ARGS));
    ChatClient bare = bareUserControlled(env.chatModel);
    List<org.springframework.ai.chat.messages.Message> history = new ArrayList<>();
    history.add(user(PAY_ASK));
    AssistantMessage waiting = bare.prompt().messages(history).tools(new TourTools.Payments()).call()
        .chatResponse().getResult().getOutput();
    if (!waiting.hasToolCalls()) {
      throw new IllegalStateException("the model did not call pay: " + waiting.getText());
    }
    history.add(waiting); // the pay call waits while the human decides
    return history;
  }

  static ChatClient bareUserControlled(ChatModel model) {
    return ChatClient.builder(model)
        .defaultAdvisors(AdvisorParams.toolCallingAdvisorAutoRegister(false)).build();
  }

  static String approvalJsonBare(Env env) {
    List<org.springframework.ai.chat.messages.Message> history = new ArrayList<>(TourMemory.stored(bareWaiting(env)));
    history.add(user("Yes, go ahead.")); // the approval, as the next user message
    return bareUserControlled(env.chatModel).prompt().messages(history).tools(new TourTools.Payments()).call().content();
  }

  static ToolGuardAdvisor.Builder approvalAdvisor(ChatMemory memory) {
    return ToolGuardSpringAi.advisor()
        .config(LoopConfig.custom().approvalRequired(Set.of("pay")).build())
        .chatMemory(memory);
  }

  static String approvalJsonGuarded(Env env) throws IOException {
    if (env.referee != null) {
      env.referee.script().enqueue(Reply.toolCall("pay", PAY_ARGS), Reply.text("Paid invoice INV-42 (5 EUR)."));
    }
    Path dir = Files.createTempDirectory("toolguard-tour-");
    try {
      ToolGuardChatMemoryRepository store = TourMemory.repository(dir);
      TourTools.Payments payments = new TourTools.Payments();
      ChatClient client = ChatClient.builder(env.chatModel).defaultAdvisors(
          approvalAdvisor(MessageWindowChatMemory.builder().chatMemoryRepository(store).build()).build()).build();
      ChatClientResponse first = client.prompt().user(PAY_ASK).tools(payments)
          .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "approval")).call().chatClientResponse();
      List<ApprovalRequest> asked = ToolGuardSpringAi.pending(first);
      if (asked.isEmpty() || payments.paid() != 0) {
        throw notWaiting(first, payments);
      }

      // the history is history JSON in the database; a new memory reads it back, the approval matches by call id
      ChatMemory memory = ToolGuardSpringAi.guard(MessageWindowChatMemory.builder().chatMemoryRepository(store).build());
      List<ApprovalRequest> pending = ToolGuardSpringAi.pending(memory.get("approval"));
      ChatClient later = ChatClient.builder(env.chatModel).defaultAdvisors(approvalAdvisor(memory).build()).build();
      ChatClientResponse done = later.prompt().user("Yes, go ahead.").tools(payments)
          .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "approval"))
          .advisors(ToolGuardSpringAi.approvals(ApprovalResponse.approve(pending.get(0))))
          .call().chatClientResponse();
      if (payments.paid() != 1) {
        throw new IllegalStateException("pay ran " + payments.paid() + " times after the approval, not once");
      }
      return "pay " + pending.get(0).callId() + " waited, stored in H2, read back and approved by call id; ran once ("
          + done.context().get(ToolGuardAdvisor.STATUS) + "); answer: " + answer(done);
    } finally {
      deleteTree(dir);
    }
  }

  static IllegalStateException notWaiting(ChatClientResponse first, TourTools.Payments payments) {
    return new IllegalStateException("expected the model to call pay and the call to wait for approval; status "
        + first.context().get(ToolGuardAdvisor.STATUS) + ", paid " + payments.paid() + ", answer: " + answer(first));
  }

  // ---- approval-new-process: the answer comes to another JVM ----

  static String newProcessBare(Env env) throws IOException {
    Path dir = Files.createTempDirectory("toolguard-tour-");
    try {
      TourMemory.repository(dir).saveAll("waiting", bareWaiting(env));
      SecondProcess.Outcome outcome = SecondProcess.launch(env, "bare", dir.toString(), "waiting");
      if (outcome.failed()) {
        throw new SecondProcess.Failed(outcome.detail());
      }
      return outcome.detail();
    } finally {
      deleteTree(dir);
    }
  }

  static String newProcessGuarded(Env env) throws IOException {
    if (env.referee != null) {
      env.referee.script().enqueue(Reply.toolCall("pay", PAY_ARGS), Reply.text("Paid invoice INV-42 (5 EUR)."));
    }
    Path dir = Files.createTempDirectory("toolguard-tour-");
    try {
      TourTools.Payments payments = new TourTools.Payments();
      ChatClient client = ChatClient.builder(env.chatModel).defaultAdvisors(
          approvalAdvisor(MessageWindowChatMemory.builder()
              .chatMemoryRepository(TourMemory.repository(dir)).build())
              .signApprovals(ApprovalSigner.hmacSha256(APPROVAL_KEY)).build()).build();
      ChatClientResponse first = client.prompt().user(PAY_ASK).tools(payments)
          .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "approval")).call().chatClientResponse();
      List<ApprovalRequest> asked = ToolGuardSpringAi.pending(first);
      if (asked.isEmpty() || payments.paid() != 0) {
        throw notWaiting(first, payments);
      }
      SecondProcess.Outcome outcome = SecondProcess.launch(env, "guarded", dir.toString(), "approval");
      if (outcome.failed()) {
        throw new IllegalStateException("the second process failed: " + outcome.detail());
      }
      return "pay " + asked.get(0).callId() + " waited (signed) in an H2 file; a new JVM approved it: "
          + outcome.detail();
    } finally {
      deleteTree(dir);
    }
  }

  // ---- two-instances: an approved call resumed by instance A, then by B from the same stale copy ----

  /** A bare side that did not show what its scenario is about. */
  static final class NotShown extends Exception {
    NotShown(String message) {
      super(message);
    }
  }

  /**
   * Spring AI's user-controlled tool execution: the app keeps the model's pay call; on the approval
   * each instance reads the stored copy, executes the call with Spring AI's {@link ToolCallingManager}
   * and sends the result. A load balancer's retry sends the same approval to B: pay runs twice.
   */
  static String twoInstancesBare(Env env) throws NotShown {
    List<org.springframework.ai.chat.messages.Message> copy = TourMemory.stored(bareWaiting(env)); // kept meanwhile
    ToolCallingManager manager = ToolCallingManager.builder().build();
    int paid = 0;
    for (String instance : List.of("A", "B")) {
      TourTools.Payments payments = new TourTools.Payments(instance);
      List<org.springframework.ai.chat.messages.Message> history = new ArrayList<>(copy);
      AssistantMessage waiting = (AssistantMessage) history.remove(history.size() - 1);
      Prompt prompt = new Prompt(history,
          ToolCallingChatOptions.builder().toolCallbacks(ToolCallbacks.from(payments)).build());
      ToolExecutionResult executed = manager.executeToolCalls(prompt, new ChatResponse(List.of(new Generation(waiting))));
      bareUserControlled(env.chatModel).prompt().messages(executed.conversationHistory()).tools(payments).call()
          .content();
      paid += payments.paid();
    }
    if (paid != 2) {
      throw new NotShown("pay ran " + paid + " times");
    }
    return "ToolCallingManager.executeToolCalls: pay ran " + paid
        + " times for one approval (instance A, then B from its copy of the history); the provider took both";
  }

  /**
   * Two advisors, each with its own chat memory over its own copy of the stored conversation and its
   * own tool object, share one {@link JdbcCallJournal} (H2); the conversation id is the key. B reuses
   * A's result.
   */
  static String twoInstancesGuarded(Env env) throws IOException {
    if (env.referee != null) {
      env.referee.script().enqueue(Reply.toolCall("pay", PAY_ARGS), Reply.text("Paid invoice INV-42 (5 EUR)."),
          Reply.text("Paid invoice INV-42 (5 EUR)."));
    }
    JdbcCallJournal journal = sharedJournal();
    Path dir = Files.createTempDirectory("toolguard-tour-");
    try {
      Path stored = Files.createDirectories(dir.resolve("stored"));
      TourTools.Payments first = new TourTools.Payments("A");
      ChatClient client = ChatClient.builder(env.chatModel).defaultAdvisors(approvalAdvisor(
          MessageWindowChatMemory.builder().chatMemoryRepository(TourMemory.repository(stored)).build())
          .journal(journal).build()).build();
      ChatClientResponse asked = client.prompt().user(PAY_ASK).tools(first)
          .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "two-instances")).call().chatClientResponse();
      if (ToolGuardSpringAi.pending(asked).isEmpty() || first.paid() != 0) {
        throw notWaiting(asked, first);
      }
      // the stale copy: A and B each get the stored conversation as it was, and the same approval
      Path onA = copyTree(stored, dir.resolve("a"));
      Path onB = copyTree(stored, dir.resolve("b"));
      ChatMemory memoryA = memoryOn(onA);
      ChatMemory memoryB = memoryOn(onB);
      ApprovalRequest request = ToolGuardSpringAi.pending(memoryA.get("two-instances")).get(0);
      ApprovalResponse approval = ApprovalResponse.approve(request);
      TourTools.Payments payA = new TourTools.Payments("A");
      TourTools.Payments payB = new TourTools.Payments("B");
      ChatClientResponse a = resume(env, memoryA, journal, payA, approval);
      ChatClientResponse b = resume(env, memoryB, journal, payB, approval);
      String inB = resultIn(memoryB.get("two-instances"), request.callId());
      if (payA.paid() != 1 || payB.paid() != 0 || inB == null || !inB.contains("on instance A")) {
        throw new IllegalStateException("pay ran " + payA.paid() + " times on A, " + payB.paid() + " on B (A: "
            + a.context().get(ToolGuardAdvisor.STATUS) + ", B: " + b.context().get(ToolGuardAdvisor.STATUS)
            + "); B's result: " + inB);
      }
      return "2 ToolGuardAdvisors, 1 JdbcCallJournal (H2): A ran pay " + request.callId()
          + ", B, on the same copy, reused A's result; pay ran once; answer: " + answer(b);
    } finally {
      deleteTree(dir);
    }
  }

  static ChatMemory memoryOn(Path dir) {
    return ToolGuardSpringAi.guard(MessageWindowChatMemory.builder()
        .chatMemoryRepository(TourMemory.repository(dir)).build());
  }

  static ChatClientResponse resume(Env env, ChatMemory memory, JdbcCallJournal journal, TourTools.Payments payments,
      ApprovalResponse approval) {
    ChatClient instance = ChatClient.builder(env.chatModel)
        .defaultAdvisors(approvalAdvisor(memory).journal(journal).build()).build();
    return instance.prompt().user("Yes, go ahead.").tools(payments)
        .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "two-instances"))
        .advisors(ToolGuardSpringAi.approvals(approval))
        .call().chatClientResponse();
  }

  /** The journal the instances share: toolguard-jdbc on a new in-memory H2 database. */
  static JdbcCallJournal sharedJournal() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:toolguard-tour-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    return JdbcCallJournal.builder(ds).createTable(true).build();
  }

  /** The text of the response to {@code callId} in {@code history}, or null. */
  static @Nullable String resultIn(List<org.springframework.ai.chat.messages.Message> history, String callId) {
    for (org.springframework.ai.chat.messages.Message m : history) {
      if (m instanceof ToolResponseMessage t) {
        for (ToolResponseMessage.ToolResponse r : t.getResponses()) {
          if (r.id().equals(callId)) {
            return r.responseData();
          }
        }
      }
    }
    return null;
  }

  static Path copyTree(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
    return to;
  }

  // ---- helpers ----

  static UserMessage user(String text) {
    return new UserMessage(text);
  }

  static AssistantMessage weatherCalls(String... ids) {
    List<AssistantMessage.ToolCall> calls = new ArrayList<>();
    String[] cities = {"Paris", "Rome"};
    for (int i = 0; i < ids.length; i++) {
      calls.add(new AssistantMessage.ToolCall(ids[i], "function", "weather",
          "{\"city\":\"" + cities[i % cities.length] + "\"}"));
    }
    return AssistantMessage.builder().content("").toolCalls(calls).build();
  }

  static ToolResponseMessage weatherResult(String id) {
    return ToolResponseMessage.builder()
        .responses(List.of(new ToolResponseMessage.ToolResponse(id, "weather", "sunny"))).build();
  }

  static String answer(ChatClientResponse response) {
    String text = response.chatResponse() == null || response.chatResponse().getResult() == null
        ? null : response.chatResponse().getResult().getOutput().getText();
    return text == null ? "" : text;
  }

  /** {@code MOVE call_1; REBIND call_x->call_1}, each action once. */
  static String repairs(Collection<RepairAction> actions) {
    if (actions.isEmpty()) {
      return "nothing to repair";
    }
    Set<String> out = new LinkedHashSet<>();
    for (RepairAction a : actions) {
      out.add(a.kind() + " " + (a.callId().isEmpty() ? "(no id)" : a.callId())
          + (a.newCallId() == null ? "" : "->" + a.newCallId()));
    }
    return String.join("; ", out);
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The default guard, remembering every repair it makes. */
  static final class RecordingGuard implements HistoryGuard {
    private final HistoryGuard delegate = HistoryGuard.ofDefaults();
    final List<RepairAction> actions = new CopyOnWriteArrayList<>();

    @Override
    public RepairPolicy policy() {
      return delegate.policy();
    }

    @Override
    public List<Violation> check(List<Message> history) {
      return delegate.check(history);
    }

    @Override
    public RepairResult repair(List<Message> history) {
      RepairResult result = delegate.repair(history);
      actions.addAll(result.actions());
      return result;
    }
  }
}
