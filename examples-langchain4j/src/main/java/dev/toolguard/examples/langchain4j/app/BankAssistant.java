package dev.toolguard.examples.langchain4j.app;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.SystemMessage;
import dev.langchain4j.service.tool.BeforeToolExecution;
import dev.langchain4j.store.memory.chat.ChatMemoryStore;
import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.Content;
import dev.toolguard.core.Message;
import dev.toolguard.core.Metadata;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.langchain4j.LangChain4jToolGuard;
import dev.toolguard.jdbc.JdbcConversationStore;
import dev.toolguard.json.HistoryJson;
import dev.toolguard.langchain4j.ToolGuardChatMemoryStore;
import dev.toolguard.langchain4j.ToolLoop;
import dev.toolguard.langchain4j.TurnWindowChatMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * A LangChain4j {@code AiServices} assistant whose money-moving tools wait for the user's approval —
 * for minutes, across restarts — and whose conversation never gets stuck on a provider's 400.
 *
 * <pre>{@code
 * BankAssistant bank = new BankAssistant(model, BankAssistant.databaseStore(dataSource), new BankTools(120),
 *     Set.of("transfer"));
 * BankAssistant.Reply r = bank.chat("alice", "Send 40 EUR to Bob");
 * if (r instanceof BankAssistant.NeedsApproval n) {          // nothing was transferred yet
 *   // show n.calls() to Alice; later, in any process over the same store:
 *   r = bank.approve("alice", n.calls().get(0).callId());    // or bank.reject("alice", id, "not today")
 * }
 * }</pre>
 *
 * <p>How it is built:
 * <ul>
 *   <li><b>AiServices</b> runs the conversation and the tools, with the model and each memory wrapped by
 *       {@link LangChain4jToolGuard#wrap}: whatever the memory holds, the provider gets a valid history.
 *   <li>A {@code beforeToolExecution} hook <b>holds</b> a model turn that calls a tool needing approval:
 *       before any of its calls runs, it rewrites that turn in the memory so that its calls wait (as
 *       toolguard approval requests, which LangChain4j's JSON keeps), and stops AiServices.
 *   <li>toolguard's <b>{@link ToolLoop}</b>, over the same memory and the same tools, resumes the held
 *       turn when the user answers: it matches the answer to the waiting call by its id (never by
 *       object identity, so the answer may come from another process), runs the approved calls (and
 *       the harmless ones of the same turn), answers rejected ones, and asks the model again.
 *   <li>A message while calls wait declines them ("not approved") before it is answered, so the
 *       history stays valid; then AiServices takes over again.
 * </ul>
 */
public final class BankAssistant {

  /** The AiServices interface of the assistant. */
  interface Assistant {
    @SystemMessage("You are a bank assistant. Use the tools; never claim a transfer you did not make. Be brief.")
    String chat(@MemoryId String user, @dev.langchain4j.service.UserMessage String message);
  }

  /** What the assistant answers. */
  public sealed interface Reply permits Answer, NeedsApproval {}

  /**
   * The assistant's answer.
   *
   * @param text what it said
   */
  public record Answer(String text) implements Reply {}

  /**
   * Calls that wait for the user's approval; nothing of that model turn ran yet.
   *
   * @param calls the calls to approve or reject
   */
  public record NeedsApproval(List<PendingCall> calls) implements Reply {
    /** Copies the list. */
    public NeedsApproval {
      calls = List.copyOf(calls);
    }
  }

  /**
   * A call waiting for approval.
   *
   * @param callId its id: approve or reject it by this id
   * @param tool the tool
   * @param arguments the arguments, as the model wrote them (JSON)
   */
  public record PendingCall(String callId, String tool, String arguments) {}

  /** Thrown by the hook to stop AiServices once the turn is held; never leaves this class. */
  private static final class Held extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Held() {
      super("the turn waits for approval", null, false, false);
    }
  }

  private final ChatMemoryStore store;
  private final Set<String> needApproval;
  private final Map<String, ChatMemory> memories = new ConcurrentHashMap<>();
  private final Assistant assistant;
  private final ToolLoop loop;

  /**
   * An assistant over {@code model} whose memories live in {@code store}.
   *
   * @param model the chat model (guarded here; pass the bare one)
   * @param store where conversations are kept
   * @param tools the objects with {@code @Tool} methods
   * @param needApproval the names of the tools that need the user's approval
   */
  public BankAssistant(ChatModel model, ChatMemoryStore store, Object tools, Set<String> needApproval) {
    this.store = store;
    this.needApproval = Set.copyOf(needApproval);
    this.assistant = AiServices.builder(Assistant.class)
        .chatModel(LangChain4jToolGuard.wrap(model))
        .chatMemoryProvider(id -> memory(id.toString()))
        .tools(tools)
        .beforeToolExecution(this::holdIfApprovalNeeded)
        .build();
    this.loop = ToolLoop.builder(model)
        .tools(tools)
        .config(LoopConfig.custom().approvalRequired(this.needApproval).build())
        .build();
  }

  /**
   * {@code user}'s memory: a window of whole turns over the store (a call is never evicted without its
   * results, nor a waiting transfer), guarded.
   */
  private ChatMemory memory(String user) {
    return memories.computeIfAbsent(user, id -> LangChain4jToolGuard.wrap(
        TurnWindowChatMemory.builder().id(id).maxMessages(40).chatMemoryStore(store).build()));
  }

  /**
   * toolguard's chat memory store on a database: whole messages (calls, results, waiting transfers) in
   * one table, saved with a version so that two instances never overwrite each other.
   */
  public static ChatMemoryStore databaseStore(DataSource dataSource) {
    return ToolGuardChatMemoryStore.of(JdbcConversationStore.builder(dataSource, HistoryJson.codec())
        .createTable(true).build());
  }

  /**
   * What the user says. When calls still wait for approval, they are declined first (the user moved
   * on) and the message is answered after them.
   */
  public Reply chat(String user, String text) {
    ChatMemory memory = memory(user);
    synchronized (memory) {
      if (!waiting(user).isEmpty()) {
        return reply(loop.run(memory, UserMessage.from(text)));
      }
      try {
        return new Answer(assistant.chat(user, text));
      } catch (RuntimeException e) {
        if (!held(e)) {
          throw e;
        }
        return new NeedsApproval(pending(user));
      }
    }
  }

  /**
   * Approves the waiting call {@code callId}: it runs (with the other calls of its turn that need no
   * approval), and the model answers — or the reply lists the calls that still wait.
   *
   * @throws IllegalArgumentException if no call {@code callId} waits for {@code user}
   */
  public Reply approve(String user, String callId) {
    return answer(user, callId, ApprovalResponse::approve);
  }

  /**
   * Rejects the waiting call {@code callId}: the model is told it was not approved, and why.
   *
   * @throws IllegalArgumentException if no call {@code callId} waits for {@code user}
   */
  public Reply reject(String user, String callId, String reason) {
    return answer(user, callId, request -> ApprovalResponse.reject(request, reason));
  }

  /** The calls waiting for {@code user}'s approval, read from the store (any process may ask). */
  public List<PendingCall> pending(String user) {
    List<PendingCall> out = new ArrayList<>();
    for (ApprovalRequest r : waiting(user)) {
      if (!Metadata.PENDING_DEFERRED.equals(r.metadata().get(Metadata.PENDING))) {
        out.add(new PendingCall(r.callId(), r.call().name(), r.call().argumentsJson()));
      }
    }
    return out;
  }

  private Reply answer(String user, String callId, Function<ApprovalRequest, ApprovalResponse> decide) {
    ChatMemory memory = memory(user);
    synchronized (memory) {
      for (ApprovalRequest r : waiting(user)) {
        if (r.callId().equals(callId) && !Metadata.PENDING_DEFERRED.equals(r.metadata().get(Metadata.PENDING))) {
          return reply(loop.run(memory, ToolLoop.answers(decide.apply(r))));
        }
      }
      throw new IllegalArgumentException("no call '" + callId + "' waits for " + user + "'s approval");
    }
  }

  private Reply reply(ToolLoop.Result r) {
    if (r.status() == LoopResult.Status.AWAITING) {
      List<PendingCall> calls = new ArrayList<>();
      for (ToolLoop.PendingCall p : r.pending()) {
        if (p.needsApproval()) {
          calls.add(new PendingCall(p.request().id(), p.request().name(), p.request().arguments()));
        }
      }
      return new NeedsApproval(calls);
    }
    return new Answer(r.text());
  }

  /** The calls of {@code user}'s stored history that wait for an answer, in order. */
  private List<ApprovalRequest> waiting(String user) {
    return FunctionInvokingLoop.waiting(LangChain4jToolGuard.toCore(store.getMessages(user)));
  }

  /**
   * AiServices' hook before each tool runs. When the model's turn (the last message of the memory, as
   * AiServices stores it before running tools) calls a tool that needs approval, every call of the
   * turn is made to wait in the memory — the ones needing approval for it, the others until then —
   * and AiServices is stopped before anything ran.
   */
  private void holdIfApprovalNeeded(BeforeToolExecution before) {
    Object id = before.invocationContext().chatMemoryId();
    List<ChatMessage> stored = store.getMessages(id);
    List<Message> history = new ArrayList<>(LangChain4jToolGuard.toCore(stored));
    int last = history.size() - 1;
    if (last < 0 || history.get(last).role() != Role.ASSISTANT) {
      return;
    }
    Message turn = history.get(last);
    boolean approval = false;
    for (ToolCall call : turn.toolCalls()) {
      approval |= needApproval.contains(call.name());
    }
    if (!approval) {
      return;
    }
    List<Content> contents = new ArrayList<>();
    for (Content c : turn.contents()) {
      if (c instanceof ToolCall call && !call.informational()) {
        String why = needApproval.contains(call.name()) ? Metadata.PENDING_APPROVAL : Metadata.PENDING_DEFERRED;
        contents.add(new ApprovalRequest(call.callId(), call, Map.of(Metadata.PENDING, why)));
      } else {
        contents.add(c);
      }
    }
    history.set(last, turn.withContents(contents));
    store.updateMessages(id, LangChain4jToolGuard.fromCore(history));
    throw new Held();
  }

  private static boolean held(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof Held) {
        return true;
      }
    }
    return false;
  }
}
