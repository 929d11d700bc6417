package dev.toolguard.examples.openai;

import static dev.toolguard.examples.openai.Chat.call;
import static dev.toolguard.examples.openai.Chat.calls;
import static dev.toolguard.examples.openai.Chat.tool;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.openai.client.OpenAIClient;
import com.openai.core.ObjectMappers;
import com.openai.models.chat.completions.ChatCompletionMessageParam;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.Content;
import dev.toolguard.core.Message;
import dev.toolguard.core.RepairAction;
import dev.toolguard.core.Role;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.CallJournal;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.jdbc.JdbcCallJournal;
import dev.toolguard.openai.OpenAiHistory;
import dev.toolguard.openai.OpenAiToolGuard;
import dev.toolguard.openai.ToolGuardOptions;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.h2.jdbcx.JdbcDataSource;
import org.jspecify.annotations.Nullable;

/**
 * The tour's scenarios through openai-java. Each has a bare cell (the plain {@code OpenAIOkHttpClient}
 * sending the broken request, or the naive code an application would write for approvals) and a
 * guarded cell ({@link OpenAiToolGuard#wrap} for the broken histories, toolguard's loop over {@link
 * OpenAiToolGuard#responses} for the approvals).
 *
 * <p>Most scenarios run on Chat Completions; {@code replayed-mcp-output} and the two approval
 * scenarios run on Responses (the replayed {@code mcp_…} output is a Responses item).
 */
final class Scenarios {

  /** The name of this way in the tour. */
  static final String WAY = "openai-java";

  /** The scenarios, in the tour's order. */
  static final List<String> NAMES = List.of("user-between", "evicted-call", "replayed-mcp-output",
      "crash-after-call", "rewritten-ids", "approval-after-json", "approval-new-process", "duplicate-result",
      "late-result", "early-result", "parallel-split", "two-instances");

  private static final JsonMapper JSON = ObjectMappers.jsonMapper();
  private static final String PAY_ARGUMENTS = "{\"to\":\"Alice\",\"amount\":5}";
  private static final String PAY_QUESTION = "Please pay 5 EUR to Alice with the pay tool.";
  private static final String PAY_SCHEMA = "{\"type\":\"object\",\"properties\":{\"to\":{\"type\":\"string\"},"
      + "\"amount\":{\"type\":\"number\"}},\"required\":[\"to\",\"amount\"]}";

  /** One side of a scenario: returns what to show (the answer, or what was repaired) or throws. */
  @FunctionalInterface
  interface Cell {
    String run() throws Exception;
  }

  /**
   * A scenario: its name and its two cells. When {@code bareRuns} is set the bare cell's failure is not
   * a 400 but a tool run twice ({@code two-instances}): it returns what it showed, or throws.
   */
  record Scenario(String name, Cell bare, Cell guarded, boolean bareRuns) {
    Scenario(String name, Cell bare, Cell guarded) {
      this(name, bare, guarded, false);
    }
  }

  private final OpenAIClient client;
  private final Supplier<OpenAIClient> newClient;
  private final String model;
  private final @Nullable ProviderReferee referee;
  private final Path workDir;

  /**
   * Scenarios sending through {@code client} (and through clients of {@code newClient} where a new
   * process is played), asking {@code model}; {@code referee} is the in-process referee when the
   * requests go to it (it is then scripted), else null.
   */
  Scenarios(OpenAIClient client, Supplier<OpenAIClient> newClient, String model, @Nullable ProviderReferee referee,
      Path workDir) {
    this.client = client;
    this.newClient = newClient;
    this.model = model;
    this.referee = referee;
    this.workDir = workDir;
  }

  /** The scenario called {@code name}. */
  Scenario get(String name) {
    switch (name) {
      case "user-between":
        // the user typed while the tool ran: their message was stored between the call and its result
        return chat(name, Chat.user("What is the weather in Paris?"),
            calls(call("call_a", "weather", "{\"city\":\"Paris\"}")),
            Chat.user("hurry up please"),
            tool("call_a", "{\"sky\":\"sunny\"}"));
      case "evicted-call":
        // a memory window dropped the assistant message with the call, and kept its result
        return chat(name, Chat.user("What is the weather in Paris?"),
            tool("call_a", "{\"sky\":\"sunny\"}"),
            Chat.user("And tomorrow?"));
      case "replayed-mcp-output":
        return new Scenario(name, () -> replayedOutput(client), () -> {
          List<RepairAction> repaired = new ArrayList<>();
          String answer = replayedOutput(guard(repaired));
          return repairs(repaired) + " | answer: " + answer;
        });
      case "crash-after-call":
        // the process died after storing the assistant message, before the result
        return chat(name, Chat.user("What is the weather in Paris?"),
            calls(call("call_a", "weather", "{\"city\":\"Paris\"}")),
            Chat.user("Hello? Are you there?"));
      case "rewritten-ids":
        // the result was stored under the database's id instead of the provider's
        return chat(name, Chat.user("What is the weather in Paris?"),
            calls(call("call_a", "weather", "{\"city\":\"Paris\"}")),
            tool("call_7c9e6679-7425-40de-944b", "{\"sky\":\"sunny\"}"));
      case "approval-after-json":
        return new Scenario(name, this::naiveApprovalAfterJson, this::approvalAfterJson);
      case "approval-new-process":
        return new Scenario(name, this::naiveApprovalInNewProcess, this::approvalInNewProcess);
      case "duplicate-result":
        // a retry stored the result a second time
        return chat(name, Chat.user("What is the weather in Paris?"),
            calls(call("call_a", "weather", "{\"city\":\"Paris\"}")),
            tool("call_a", "{\"sky\":\"sunny\"}"),
            tool("call_a", "{\"sky\":\"sunny\"}"));
      case "late-result":
        // the call timed out and was answered with an error; the real result arrived later
        return chat(name, Chat.user("What is the weather in Paris?"),
            calls(call("call_a", "weather", "{\"city\":\"Paris\"}")),
            tool("call_a", "error: the weather service timed out"),
            Chat.assistant("Sorry, the weather service timed out."),
            Chat.user("Try again?"),
            tool("call_a", "{\"sky\":\"sunny\"}"));
      case "early-result":
        // the result was written before the assistant message that asked for it
        return chat(name, Chat.user("What is the weather in Paris?"),
            tool("call_a", "{\"sky\":\"sunny\"}"),
            calls(call("call_a", "weather", "{\"city\":\"Paris\"}")));
      case "parallel-split":
        // two parallel calls; the user's message landed between their results
        return chat(name, Chat.user("Weather and time in Paris?"),
            calls(call("call_a", "weather", "{\"city\":\"Paris\"}"), call("call_b", "time", "{}")),
            tool("call_a", "{\"sky\":\"sunny\"}"),
            Chat.user("still there?"),
            tool("call_b", "12:00"));
      case "two-instances":
        return new Scenario(name, this::naiveTwoInstances, this::twoInstances, true);
      default:
        throw new IllegalArgumentException("no scenario '" + name + "'; one of " + String.join(", ", NAMES));
    }
  }

  // ---- broken Chat Completions histories: the same request, bare and through OpenAiToolGuard.wrap(client)

  private Scenario chat(String name, ChatCompletionMessageParam... messages) {
    List<ChatCompletionMessageParam> history = List.of(messages);
    return new Scenario(name,
        () -> Chat.text(client.chat().completions().create(Chat.params(model, history))),
        () -> {
          List<RepairAction> repaired = new ArrayList<>();
          String answer = Chat.text(guard(repaired).chat().completions().create(Chat.params(model, history)));
          return repairs(repaired) + " | answer: " + answer;
        });
  }

  /** {@code client} guarded, collecting what it repairs into {@code repaired}. */
  private OpenAIClient guard(List<RepairAction> repaired) {
    return OpenAiToolGuard.wrap(client, ToolGuardOptions.builder().onRepair(r -> repaired.addAll(r.actions())).build());
  }

  private static String repairs(List<RepairAction> actions) {
    if (actions.isEmpty()) {
      return "nothing repaired";
    }
    return actions.stream()
        .map(a -> a.kind() + " " + a.callId() + (a.newCallId() == null ? "" : "->" + a.newCallId()))
        .collect(Collectors.joining("; "));
  }

  // ---- replayed-mcp-output (Responses)

  /**
   * The application appends each response's output to its history, as it came. The service handed
   * back, among the output, a stored server-side {@code function_call_output} ({@code mcp_…}) whose
   * call it never sent; the next request carries it.
   */
  private String replayedOutput(OpenAIClient through) {
    List<ResponseInputItem> history = new ArrayList<>();
    history.add(Items.user("Hello!"));
    if (referee != null) {
      referee.responses().replayOrphanOutputs(true);
      Response first = through.responses().create(responses(history));
      history.addAll(Items.asInput(first));
    } else {
      // a real provider does not replay it on demand: the stored item is put in as it would come back
      history.add(Items.output("mcp_tour_1", "{\"status\":\"ok\"}"));
    }
    history.add(Items.user("Tell me more."));
    return Items.text(through.responses().create(responses(history)));
  }

  private ResponseCreateParams responses(List<ResponseInputItem> input) {
    return ResponseCreateParams.builder().model(model).inputOfResponse(input).build();
  }

  // ---- approvals: the naive application code (bare) and toolguard's loop (guarded), on Responses

  /**
   * The naive way: the pending call goes to the approval UI as JSON and comes back approved, as a
   * copy. The application looks it up among the calls it holds by identity (as several frameworks
   * do), does not find the copy, and appends the approved call with its output: the call is sent twice.
   */
  private String naiveApprovalAfterJson() throws Exception {
    scriptPay();
    List<ResponseInputItem> items = new ArrayList<>(List.of(Items.user(PAY_QUESTION)));
    Response first = client.responses().create(responses(items).toBuilder().addTool(Items.payTool()).build());
    items.addAll(Items.asInput(first));
    ResponseFunctionToolCall pending = Items.firstCall(first);

    String shownToTheHuman = JSON.writeValueAsString(pending);
    ResponseFunctionToolCall approved = JSON.readValue(shownToTheHuman, ResponseFunctionToolCall.class);

    boolean held = items.stream().anyMatch(i -> i.isFunctionCall() && i.asFunctionCall() == approved);
    if (!held) {
      items.add(ResponseInputItem.ofFunctionCall(approved));
    }
    items.add(Items.output(approved.callId(), "{\"paid\":true}"));
    return Items.text(client.responses().create(responses(items).toBuilder().addTool(Items.payTool()).build()));
  }

  /**
   * toolguard's loop: the run stops with the pay call waiting; the history goes through JSON (to a
   * UI, a queue, a database) and the approval is built from the copy; the loop matches it by call id.
   */
  private String approvalAfterJson() {
    scriptPay();
    AtomicInteger payments = new AtomicInteger();
    FunctionInvokingLoop loop = payLoop(client, payments);
    String conversation = "approval-after-json"; // what names the conversation: a session, a chat id
    LoopResult waiting = awaitPay(loop.run(conversation, List.of(Message.user(PAY_QUESTION))));

    List<Message> copy = new ArrayList<>(OpenAiHistory.fromJson(OpenAiHistory.toJson(waiting.history())));
    ApprovalRequest request = pendingIn(copy, waiting.pending().get(0).callId());
    copy.add(Message.of(Role.USER, ApprovalResponse.approve(request)));
    LoopResult done = loop.run(conversation, copy);
    return approved(request, done, payments, "approval of " + request.callId() + " (pay) built from a JSON copy,"
        + " matched by call id");
  }

  /**
   * The naive way across a restart: the first process stores the conversation as JSON and ends; the
   * calls waiting for approval were known only in its memory. The second process reads the file,
   * adds the user's "yes" and sends: the call has no output.
   */
  private String naiveApprovalInNewProcess() throws Exception {
    scriptPay();
    Path file = workDir.resolve("naive-conversation.json");
    OpenAIClient first = newClient.get();
    try {
      List<ResponseInputItem> items = new ArrayList<>(List.of(Items.user(PAY_QUESTION)));
      Response response = first.responses().create(responses(items).toBuilder().addTool(Items.payTool()).build());
      items.addAll(Items.asInput(response));
      Items.firstCall(response); // it waits for a human
      Files.writeString(file, JSON.writeValueAsString(items));
    } finally {
      first.close();
    }
    OpenAIClient second = newClient.get();
    try {
      List<ResponseInputItem> items = new ArrayList<>(
          JSON.readValue(Files.readString(file), new TypeReference<List<ResponseInputItem>>() {}));
      items.add(Items.user("Yes, go ahead."));
      return Items.text(second.responses().create(responses(items).toBuilder().addTool(Items.payTool()).build()));
    } finally {
      second.close();
    }
  }

  /**
   * toolguard's loop across a restart: the waiting history is written to a file; a new client and a
   * new loop read it, answer the request found in it, and go on.
   */
  private String approvalInNewProcess() {
    scriptPay();
    Path file = workDir.resolve("conversation.json");
    AtomicInteger payments = new AtomicInteger();
    String conversation = file.toAbsolutePath().normalize().toString(); // the conversation lives in the file
    OpenAIClient first = newClient.get();
    try {
      LoopResult waiting = awaitPay(payLoop(first, payments).run(conversation, List.of(Message.user(PAY_QUESTION))));
      OpenAiHistory.write(file, waiting.history());
    } finally {
      first.close();
    }
    OpenAIClient second = newClient.get();
    try {
      List<Message> history = new ArrayList<>(OpenAiHistory.read(file));
      ApprovalRequest request = pendingIn(history, null);
      history.add(Message.of(Role.USER, ApprovalResponse.approve(request), Text.of("Yes, go ahead.")));
      LoopResult done = payLoop(second, payments).run(conversation, history);
      return approved(request, done, payments, "approval of " + request.callId() + " (pay) read from "
          + file.getFileName() + " by a new client and loop");
    } finally {
      second.close();
    }
  }

  // ---- two-instances: an approved call resumed by instance A, then by B from the same stale copy

  /**
   * The naive way behind a load balancer: the application keeps the model's pay call in its stored
   * history; on the approval an instance reads the history, runs pay itself from the stored call and
   * sends its output. The retry sends the same approval to instance B with the same stale copy: pay
   * runs again.
   */
  private String naiveTwoInstances() throws Exception {
    scriptPay();
    List<ResponseInputItem> items = new ArrayList<>(List.of(Items.user(PAY_QUESTION)));
    Response first = client.responses().create(responses(items).toBuilder().addTool(Items.payTool()).build());
    items.addAll(Items.asInput(first));
    Items.firstCall(first); // it waits for a human
    String copy = JSON.writeValueAsString(items);
    AtomicInteger payments = new AtomicInteger();
    for (String instance : List.of("A", "B")) {
      OpenAIClient own = newClient.get();
      try {
        List<ResponseInputItem> history = new ArrayList<>(
            JSON.readValue(copy, new TypeReference<List<ResponseInputItem>>() {}));
        ResponseFunctionToolCall call = history.stream().filter(ResponseInputItem::isFunctionCall)
            .map(ResponseInputItem::asFunctionCall).reduce((a, b) -> b).orElseThrow();
        payments.incrementAndGet(); // pay(call.arguments()), as the application runs it
        history.add(Items.output(call.callId(), "{\"paid\":true,\"instance\":\"" + instance + "\"}"));
        Items.text(own.responses().create(responses(history).toBuilder().addTool(Items.payTool()).build()));
      } finally {
        own.close();
      }
    }
    if (payments.get() != 2) {
      throw new IllegalStateException("pay ran " + payments.get() + " times, not twice");
    }
    return "pay ran " + payments.get() + " times for one approval (instance A, then B from its copy of the history);"
        + " the provider took both";
  }

  /**
   * Two instances, each with its own client and loop, share one {@link JdbcCallJournal} (H2): A runs
   * the approved call, B resumes the same copy under the same conversation key and reuses A's result.
   */
  private String twoInstances() {
    if (referee != null) {
      referee.script().enqueue(Reply.toolCall("pay", PAY_ARGUMENTS), Reply.text("Paid 5 EUR to Alice."),
          Reply.text("Paid 5 EUR to Alice."));
    }
    JdbcCallJournal journal = sharedJournal();
    String conversation = "two-instances";
    AtomicInteger onA = new AtomicInteger();
    AtomicInteger onB = new AtomicInteger();
    LoopResult waiting = awaitPay(payLoop(client, onA, "A", journal)
        .run(conversation, List.of(Message.user(PAY_QUESTION))));
    List<Message> approved = new ArrayList<>(OpenAiHistory.fromJson(OpenAiHistory.toJson(waiting.history())));
    ApprovalRequest request = pendingIn(approved, waiting.pending().get(0).callId());
    approved.add(Message.of(Role.USER, ApprovalResponse.approve(request), Text.of("Yes, go ahead.")));
    String copy = OpenAiHistory.toJson(approved); // what the load balancer sends to A, and again to B
    LoopResult a = resumeOn(payLoop(newClient, onA, "A", journal), conversation, copy);
    LoopResult b = resumeOn(payLoop(newClient, onB, "B", journal), conversation, copy);
    String inB = resultOf(b.history(), request.callId());
    if (a.status() != LoopResult.Status.COMPLETED || b.status() != LoopResult.Status.COMPLETED
        || onA.get() != 1 || onB.get() != 0 || inB == null || !inB.contains("\"instance\":\"A\"")) {
      throw new IllegalStateException("A ended " + a.status() + ", B " + b.status() + "; pay ran " + onA.get()
          + " times on A, " + onB.get() + " on B; B's result: " + inB);
    }
    return "two loops, one JdbcCallJournal (H2): A ran pay " + request.callId() + ", B resumed the same copy and reused"
        + " A's result; pay ran once | answer: " + b.text();
  }

  private static LoopResult resumeOn(Instance instance, String conversation, String copy) {
    try {
      return instance.loop().run(conversation, OpenAiHistory.fromJson(copy));
    } finally {
      instance.client().close();
    }
  }

  /** One instance of {@code two-instances}: its own client and loop. */
  private record Instance(OpenAIClient client, FunctionInvokingLoop loop) {}

  private Instance payLoop(Supplier<OpenAIClient> clients, AtomicInteger payments, String name, CallJournal journal) {
    OpenAIClient own = clients.get();
    return new Instance(own, payLoop(own, payments, name, journal));
  }

  private FunctionInvokingLoop payLoop(OpenAIClient through, AtomicInteger payments, String name, CallJournal journal) {
    LoopTool pay = LoopTool.of(new ToolSpec("pay", "Pays an amount in EUR to a person", PAY_SCHEMA), args -> {
      payments.incrementAndGet();
      return "{\"paid\":true,\"instance\":\"" + name + "\"}";
    });
    return FunctionInvokingLoop.builder(OpenAiToolGuard.responses(through, b -> b.model(model)))
        .tools(pay)
        .config(LoopConfig.custom().approvalRequired(Set.of("pay")).build())
        .journal(journal)
        .build();
  }

  /** The journal the instances share: toolguard-jdbc on a new in-memory H2 database. */
  private static JdbcCallJournal sharedJournal() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:toolguard-tour-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    return JdbcCallJournal.builder(ds).createTable(true).build();
  }

  /** The output of the result of {@code callId} in {@code history}, or null. */
  private static @Nullable String resultOf(List<Message> history, String callId) {
    for (Message m : history) {
      for (Content c : m.contents()) {
        if (c instanceof ToolResult r && r.callId().equals(callId)) {
          return r.output();
        }
      }
    }
    return null;
  }

  /** With the referee: the model asks for {@code pay}, then answers with what the tool said. */
  private void scriptPay() {
    if (referee != null) {
      referee.script().enqueue(Reply.toolCall("pay", PAY_ARGUMENTS));
    }
  }

  private FunctionInvokingLoop payLoop(OpenAIClient through, AtomicInteger payments) {
    LoopTool pay = LoopTool.of(new ToolSpec("pay", "Pays an amount in EUR to a person", PAY_SCHEMA), args -> {
      payments.incrementAndGet();
      return "{\"paid\":true}";
    });
    return FunctionInvokingLoop.builder(OpenAiToolGuard.responses(through, b -> b.model(model)))
        .tools(pay)
        .config(LoopConfig.custom().approvalRequired(Set.of("pay")).build())
        .build();
  }

  private static LoopResult awaitPay(LoopResult r) {
    if (r.status() != LoopResult.Status.AWAITING || r.pending().isEmpty()) {
      throw new IllegalStateException("the model did not ask for pay (" + r.status() + "): " + r.text());
    }
    return r;
  }

  /** The waiting request for {@code callId} (or the first waiting one) in {@code history}. */
  private static ApprovalRequest pendingIn(List<Message> history, @Nullable String callId) {
    for (Message m : history) {
      for (Content c : m.contents()) {
        if (c instanceof ApprovalRequest && (callId == null || ((ApprovalRequest) c).callId().equals(callId))) {
          return (ApprovalRequest) c;
        }
      }
    }
    throw new IllegalStateException("no approval request " + (callId == null ? "" : callId + " ") + "in the history");
  }

  private static String approved(ApprovalRequest request, LoopResult done, AtomicInteger payments, String what) {
    if (done.status() != LoopResult.Status.COMPLETED) {
      throw new IllegalStateException("the resumed run ended " + done.status() + ", not COMPLETED");
    }
    if (payments.get() != 1) {
      throw new IllegalStateException("pay ran " + payments.get() + " times for " + request.callId() + ", not once");
    }
    return what + "; pay ran once | answer: " + done.text();
  }
}
