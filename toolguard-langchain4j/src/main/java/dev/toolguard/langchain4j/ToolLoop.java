package dev.toolguard.langchain4j;

import dev.langchain4j.agent.tool.ReturnBehavior;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import dev.langchain4j.service.tool.AiServiceTool;
import dev.langchain4j.service.tool.ToolExecution;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.InvalidMessageException;
import dev.toolguard.core.Message;
import dev.toolguard.core.Metadata;
import dev.toolguard.core.loop.ApprovalRules;
import dev.toolguard.core.loop.ApprovalSigner;
import dev.toolguard.core.loop.CallJournal;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopException;
import dev.toolguard.core.loop.LoopListener;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolRegistry;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.core.conversation.Conversations;
import dev.toolguard.langchain4j.internal.Approvals;
import dev.toolguard.langchain4j.internal.ChatMemoryConversation;
import dev.toolguard.langchain4j.internal.GuardedChatMemory;
import dev.toolguard.langchain4j.internal.KnownMessages;
import dev.toolguard.langchain4j.internal.LangChain4jBackend;
import dev.toolguard.langchain4j.internal.LangChain4jTool;
import dev.toolguard.langchain4j.internal.Messages;
import dev.toolguard.langchain4j.internal.ToolRun;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The toolguard function-invoking loop over a LangChain4j model and LangChain4j tools ({@code @Tool}
 * objects, {@link ToolSpecification} and {@link ToolExecutor} pairs): it asks the model, runs the tools
 * it calls, puts their results right after the call, and asks again, until the model answers without
 * calls, a call waits for the caller, or a limit is reached. A turn is atomic: an {@code AiMessage}
 * with tool calls never leaves the loop without a result for every call, also when a tool throws,
 * times out, or the model fails.
 *
 * <pre>{@code
 * ToolLoop loop = ToolLoop.builder(model)
 *     .tools(new BookingTools())                                  // @Tool methods
 *     .config(LoopConfig.custom().approvalRequired(Set.of("pay")).build())
 *     .build();
 * ToolLoop.Result r = loop.run(memory, UserMessage.from("Book the 9:40 to Lyon and pay"));
 * }</pre>
 *
 * <p><b>Waiting calls in LangChain4j terms.</b> A call that needs approval, of a client-side tool, or
 * (by policy) of an unknown tool ends the run with {@link LoopResult.Status#AWAITING} and one {@link
 * PendingCall} each, carrying the {@link ToolExecutionRequest}. In the history, the {@code AiMessage}
 * keeps its other calls in {@code toolExecutionRequests()} and holds the waiting ones in its attribute
 * {@value #APPROVAL_REQUESTS} (a list of plain maps, so the history
 * goes through LangChain4j's {@code ChatMessageSerializer} and any {@code ChatMemoryStore}). Answer in
 * any process, later:
 *
 * <ul>
 *   <li>approve or reject: {@code loop.run(memory, ToolLoop.answers(pending.approve()))} — the answers
 *       ride in the {@code UserMessage} attribute {@value #APPROVAL_RESPONSES}, optionally with text the user said;
 *   <li>a client-side tool: run it and add {@code ToolExecutionResultMessage.from(pending.request(),
 *       output)}.
 * </ul>
 *
 * <p><b>Tools that return immediately.</b> A tool whose {@code @Tool(returnBehavior = …)} is {@code
 * IMMEDIATE} or {@code IMMEDIATE_IF_LAST} (or an {@link AiServiceTool} with that behaviour, or a name in
 * {@link Builder#tools(Map, Set)}'s {@code immediateReturnToolNames}) hands its result to the caller:
 * when every call of a turn ran such a tool, the run ends with {@link LoopResult.Status#RETURNED_DIRECT}
 * and {@link Result#directResults()} without another model request, as AiServices returns a {@code
 * Result} with the tool executions and no answer. The history keeps the calls with their results, so
 * the next request is valid. A turn with any other call goes back to the model.
 *
 * <p>Answers are matched by call id against the waiting call in the history, never by object identity;
 * a wrong, replayed or forged answer is refused with an {@link dev.toolguard.core.loop.ApprovalException}
 * before anything runs.
 *
 * <p><b>Conversations.</b> Call ids repeat across conversations (models number them {@code call_0},
 * {@code call_1}, …), so every run names its conversation: {@link #run(ChatMemory, ChatMessage...)}
 * by the memory's id, {@link #run(String, List)} by a key the application gives. A waiting call is
 * answered only in its conversation, and runs once in it: resumed twice at once, again from a stale
 * copy of the history, or on another instance sharing the {@link Builder#journal journal}, its result
 * is reused. {@link #run(List)} has no key: use it for histories that no one resumes twice.
 *
 * <p>A guarded model ({@link LangChain4jToolGuard#wrap(ChatModel)}) never sends these attributes
 * to a provider. Instances are immutable and thread-safe; runs over the same {@link ChatMemory} are
 * serialized on it.
 */
public final class ToolLoop {

  /** The {@code AiMessage} attribute that holds its waiting calls (a list of maps). */
  public static final String APPROVAL_REQUESTS = Approvals.REQUESTS;

  /** The {@code UserMessage} attribute that holds answers to waiting calls (a list of maps). */
  public static final String APPROVAL_RESPONSES = Approvals.RESPONSES;

  /** The {@code UserMessage} attribute that marks a message of answers only; its text is never sent. */
  public static final String ANSWERS_ONLY = Approvals.ANSWERS_ONLY;

  private final @Nullable ChatModel model;
  private final @Nullable StreamingChatModel streamingModel;
  private final List<LangChain4jTool> tools;
  private final Map<String, ToolSpecification> specifications;
  private final ChatRequestParameters parameters;
  private final LoopConfig config;
  private final dev.toolguard.core.@Nullable Dialect dialect;
  /** The loop's settings with the client-side tools; each run copies it and adds its backend and tools. Never changed. */
  private final FunctionInvokingLoop.Builder settings;

  private ToolLoop(Builder b) {
    this.model = b.model;
    this.streamingModel = b.streamingModel;
    this.tools = List.copyOf(b.tools);
    List<ToolSpecification> clientTools = List.copyOf(b.clientTools);
    Map<String, ToolSpecification> specs = new LinkedHashMap<>();
    for (LangChain4jTool t : tools) {
      if (specs.putIfAbsent(t.specification().name(), t.specification()) != null) {
        throw new InvalidMessageException("two tools are named '" + t.specification().name()
            + "'; tool names must be unique");
      }
    }
    for (ToolSpecification s : clientTools) {
      if (specs.putIfAbsent(s.name(), s) != null) {
        throw new InvalidMessageException("client-side tool '" + s.name()
            + "' has the name of another tool; tool names must be unique");
      }
    }
    this.specifications = specs;
    this.parameters = b.parameters;
    this.config = b.config;
    this.settings = b.settings.copy();
    // the provider's own rules (ids, adjacency) as the builder set them, else from the model's provider,
    // as the guarded model does
    dev.toolguard.core.Dialect dialect = b.dialect != null ? b.dialect
        : dev.toolguard.langchain4j.internal.HistoryGate.dialectOf(
            model != null ? model.provider() : streamingModel != null ? streamingModel.provider() : null);
    if (dialect != null) {
      settings.dialect(dialect);
    }
    this.dialect = dialect;
    for (ToolSpecification s : clientTools) {
      settings.clientTool(new ToolSpec(s.name(), s.description() == null ? "" : s.description(),
          "{\"type\":\"object\"}"));
    }
  }

  /** A builder for a loop over {@code model}. */
  public static Builder builder(ChatModel model) {
    return new Builder(LangChain4jToolGuard.require(model, "model"), null);
  }

  /** A builder for a loop over a streaming {@code model}; {@link #stream} passes its text on as it arrives. */
  public static Builder builder(StreamingChatModel model) {
    return new Builder(null, LangChain4jToolGuard.require(model, "model"));
  }

  /**
   * Runs the loop on {@code history} (ending with a user message, answers, or client-side results).
   *
   * @throws dev.toolguard.core.loop.ApprovalException if an answer is refused (nothing ran)
   * @throws dev.toolguard.core.InvalidHistoryException if the history is broken and the policy is to reject
   * @throws LoopException if the model failed or the run was interrupted; its history (core model, map it
   *     with {@link LangChain4jToolGuard#fromCore}) is balanced
   */
  public Result run(List<ChatMessage> history) {
    return execute(LangChain4jToolGuard.require(history, "history"), null, null, null);
  }

  /** Like {@link #run(List)}; assistant text reaches {@code onText} as it arrives when the model streams. */
  public Result stream(List<ChatMessage> history, Consumer<String> onText) {
    return execute(LangChain4jToolGuard.require(history, "history"), LangChain4jToolGuard.require(onText, "onText"), null, null);
  }

  /**
   * Runs the loop on {@code history} of the conversation {@code conversationKey}: whatever names one
   * conversation in the application (a chat memory id, a session id). Use it instead of {@link
   * #run(List)} whenever the application keeps the history itself: call ids repeat across conversations
   * (models number them {@code call_0}, {@code call_1}, …), and the key is what keeps them apart. A
   * call waiting for approval is stamped with the key's digest, so an answer made for one conversation
   * is refused in another ({@link dev.toolguard.core.loop.ApprovalException.Reason#FOREIGN_CONVERSATION});
   * and it is claimed in the journal under the key before it runs, so it runs once in its
   * conversation however often the same answer is resumed (a double click, a retry, another instance
   * sharing the {@link Builder#journal journal}, a stale copy of the history): a resume that finds the
   * call settled reuses its result, one that finds it running waits ({@link LoopConfig#claimWait()})
   * or fails with {@link dev.toolguard.core.loop.CallInProgressException}. Tools get the key as their
   * chat memory id.
   *
   * @throws IllegalArgumentException if {@code conversationKey} is null or blank
   * @throws dev.toolguard.core.loop.ApprovalException if an answer is refused (nothing ran)
   * @throws dev.toolguard.core.loop.CallInProgressException if another run holds a call this one was to
   *     settle (nothing ran)
   * @throws LoopException as {@link #run(List)}
   */
  public Result run(String conversationKey, List<ChatMessage> history) {
    return execute(LangChain4jToolGuard.require(history, "history"), null, conversationKey(conversationKey), conversationKey);
  }

  /** Like {@link #run(String, List)}; assistant text reaches {@code onText} as it arrives when the model streams. */
  public Result stream(String conversationKey, List<ChatMessage> history, Consumer<String> onText) {
    return execute(LangChain4jToolGuard.require(history, "history"), LangChain4jToolGuard.require(onText, "onText"),
        conversationKey(conversationKey), conversationKey);
  }

  private static String conversationKey(@Nullable String key) {
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException("conversationKey must name the conversation (a memory id, a session id),"
          + " was " + (key == null ? "null" : "blank") + "; without one use run(List)");
    }
    return key;
  }

  /**
   * Runs the loop on what {@code memory} holds followed by {@code newMessages} (a user message,
   * answers, client-side results), and stores the new history in the memory with {@code set}. On a
   * {@link LoopException} the balanced history is stored before it is thrown; on a refused answer
   * ({@link dev.toolguard.core.loop.ApprovalException}) or a rejected history nothing is stored. Tools
   * get {@code memory.id()} as their chat memory id. Runs on one memory are serialized. A memory
   * guarded by {@link LangChain4jToolGuard#wrap(ChatMemory)} is read before its repair, so that the loop judges
   * answers itself.
   *
   * <p>The run's conversation key ({@link #run(String, List)}) is {@code String.valueOf(memory.id())}: a
   * waiting call of this memory is answered only in it, and runs once however often its answer is
   * resumed. Give each conversation its own memory id, and keep it across processes.
   *
   * @throws dev.toolguard.core.loop.CallInProgressException if another run (another instance sharing
   *     the journal) holds a call this one was to settle; nothing ran and nothing is stored
   */
  public Result run(ChatMemory memory, ChatMessage... newMessages) {
    return runOn(LangChain4jToolGuard.require(memory, "memory"), null, newMessages);
  }

  /** Like {@link #run(ChatMemory, ChatMessage...)}, passing text on as it arrives. */
  public Result stream(ChatMemory memory, Consumer<String> onText, ChatMessage... newMessages) {
    return runOn(LangChain4jToolGuard.require(memory, "memory"), LangChain4jToolGuard.require(onText, "onText"), newMessages);
  }

  private Result runOn(ChatMemory memory, @Nullable Consumer<String> onText, ChatMessage... newMessages) {
    LangChain4jToolGuard.require(newMessages, "newMessages");
    synchronized (memory) {
      List<ChatMessage> stored = memory instanceof GuardedChatMemory guarded ? guarded.unrepaired() : memory.messages();
      List<ChatMessage> history = new ArrayList<>(stored);
      for (ChatMessage m : newMessages) {
        history.add(LangChain4jToolGuard.require(m, "a new message"));
      }
      // one mapping of the whole history (an answer maps against the call it answers), then core's flow
      KnownMessages known = new KnownMessages();
      List<Message> core = known.toCore(history);
      ToolRun run = new ToolRun(memory.id());
      Conversations conversation = Conversations.of(loop(run, known),
          new ChatMemoryConversation(memory, core.subList(0, stored.size()), known));
      String key = String.valueOf(memory.id());
      List<Message> added = core.subList(stored.size(), core.size());
      LoopResult r = onText == null ? conversation.run(key, added) : conversation.stream(key, added, onText::accept);
      return Result.of(r, run.directExecutions(r), known);
    }
  }

  private Result execute(List<ChatMessage> history, @Nullable Consumer<String> onText,
      @Nullable String conversationKey, @Nullable Object memoryId) {
    KnownMessages known = new KnownMessages();
    List<Message> core = known.toCore(history);
    ToolRun run = new ToolRun(memoryId);
    FunctionInvokingLoop loop = loop(run, known);
    LoopResult r;
    if (conversationKey == null) {
      r = onText == null ? loop.run(core) : loop.stream(core, onText::accept);
    } else {
      r = onText == null ? loop.run(conversationKey, core) : loop.stream(conversationKey, core, onText::accept);
    }
    return Result.of(r, run.directExecutions(r), known);
  }

  private FunctionInvokingLoop loop(ToolRun run, KnownMessages known) {
    List<LoopTool> bound = new ArrayList<>(tools.size());
    for (LangChain4jTool t : tools) {
      bound.add(t.in(run));
    }
    return settings.copy()
        .backend(new LangChain4jBackend(model, streamingModel, parameters, specifications, known))
        .tools(ToolRegistry.of(bound, List.of()))
        .build();
  }

  /**
   * A user message that carries answers to waiting calls and nothing else. Add it to the history (or
   * pass it to {@link #run(ChatMemory, ChatMessage...)}) and run again.
   */
  public static UserMessage answers(ApprovalResponse... responses) {
    return answers(null, responses);
  }

  /**
   * A user message with answers to waiting calls and, when {@code text} is not null, what the user said
   * with them (it reaches the model after the results of the answered calls).
   *
   * @throws IllegalArgumentException if there is no answer
   */
  public static UserMessage answers(@Nullable String text, ApprovalResponse... responses) {
    if (responses == null || responses.length == 0) {
      throw new IllegalArgumentException("give at least one ApprovalResponse, e.g. pending.approve()");
    }
    List<ApprovalResponse> list = Arrays.asList(responses);
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put(Approvals.RESPONSES, Approvals.encodeResponses(list));
    UserMessage.Builder b = UserMessage.builder();
    if (text == null) {
      attributes.put(Approvals.ANSWERS_ONLY, true);
      b.contents(List.of(TextContent.from(Messages.answersText(list))));
    } else {
      b.contents(List.of(TextContent.from(text)));
    }
    return b.attributes(attributes).build();
  }

  /** The dialect the loop keeps the rules of (set, or from the model's provider); null for none. */
  public dev.toolguard.core.@Nullable Dialect dialect() {
    return dialect;
  }

  @Override
  public String toString() {
    return "ToolLoop[tools=" + specifications.keySet() + ", " + config
        + (dialect == null ? "" : ", " + dialect.id()) + "]";
  }

  /**
   * A call that waits for the caller.
   *
   * @param request the call as LangChain4j has it
   * @param waitsFor why it waits: {@value Metadata#PENDING_APPROVAL} (a human decision), {@value
   *     Metadata#PENDING_CLIENT} (the application runs it), {@value Metadata#PENDING_UNKNOWN_TOOL} (no such
   *     tool, handed back) or {@value Metadata#PENDING_DEFERRED} (needs nothing; runs when the others of its
   *     answer are answered)
   * @param approvalRequest the core request, to build answers from
   */
  public record PendingCall(ToolExecutionRequest request, String waitsFor, ApprovalRequest approvalRequest) {

    static PendingCall of(ApprovalRequest r) {
      Object kind = r.metadata().get(Metadata.PENDING);
      return new PendingCall(Messages.toRequest(r.call().asInvocable()),
          kind == null ? Metadata.PENDING_APPROVAL : kind.toString(), r);
    }

    /** True when the call waits for a human decision. */
    public boolean needsApproval() {
      return Metadata.PENDING_APPROVAL.equals(waitsFor);
    }

    /** True when the application must run the call and answer with its output. */
    public boolean clientSide() {
      return Metadata.PENDING_CLIENT.equals(waitsFor) || Metadata.PENDING_UNKNOWN_TOOL.equals(waitsFor);
    }

    /** Approves the call as the model wrote it. */
    public ApprovalResponse approve() {
      return ApprovalResponse.approve(approvalRequest);
    }

    /** Approves the call, run with {@code argumentsJson} instead. */
    public ApprovalResponse approveWithArguments(String argumentsJson) {
      return ApprovalResponse.approveWithArguments(approvalRequest, argumentsJson);
    }

    /** Rejects the call; the model reads {@code reason}. */
    public ApprovalResponse reject(@Nullable String reason) {
      return ApprovalResponse.reject(approvalRequest, reason);
    }

    /** Answers the call with {@code output} instead of running it (also for client-side calls). */
    public ApprovalResponse respondWith(String output) {
      return ApprovalResponse.respondWith(approvalRequest, output);
    }
  }

  /**
   * What one run did, in LangChain4j terms. Whatever the status, {@link #messages()} is valid: store it.
   *
   * @param status why the run ended
   * @param messages the whole history after the run
   * @param added the messages the run added at the end
   * @param pending the calls that wait for the caller, in order
   * @param loopResult the core result (repairs, tool failures, iterations)
   * @param directResults when the run {@link LoopResult.Status#RETURNED_DIRECT returned directly}, the
   *     executions of the turn that did, in call order, as AiServices' {@code Result.toolExecutions()}
   *     has them: the request, the result text and error flag as stored in the history, and the object
   *     the tool returned ({@link ToolExecution#resultObject()}) when it ran in this run and did not
   *     fail (null for a result read from the history, e.g. a call that ran before an approval that
   *     completed the turn); empty for any other status
   */
  public record Result(LoopResult.Status status, List<ChatMessage> messages, List<ChatMessage> added,
      List<PendingCall> pending, LoopResult loopResult, List<ToolExecution> directResults) {

    /** Copies the lists. */
    public Result {
      messages = List.copyOf(messages);
      added = List.copyOf(added);
      pending = List.copyOf(pending);
      directResults = List.copyOf(directResults);
    }

    static Result of(LoopResult r, List<ToolExecution> directResults, KnownMessages known) {
      List<PendingCall> pending = new ArrayList<>(r.pending().size());
      for (ApprovalRequest a : r.pending()) {
        pending.add(PendingCall.of(a));
      }
      return new Result(r.status(), known.toLangChain4j(r.history()), known.toLangChain4j(r.added()), pending, r,
          directResults);
    }

    /** The last {@code AiMessage} of the history, or null. */
    public @Nullable AiMessage aiMessage() {
      for (int i = messages.size() - 1; i >= 0; i--) {
        if (messages.get(i) instanceof AiMessage a) {
          return a;
        }
      }
      return null;
    }

    /**
     * The text of the last {@code AiMessage}, or an empty string. After {@link
     * LoopResult.Status#RETURNED_DIRECT} it is what the model wrote with the calls (often nothing): the
     * answer is in {@link #directResults()}.
     */
    public String text() {
      AiMessage a = aiMessage();
      return a == null || a.text() == null ? "" : a.text();
    }
  }

  /** Builds a {@link ToolLoop}; every setter checks its value at once. */
  public static final class Builder {
    private final @Nullable ChatModel model;
    private final @Nullable StreamingChatModel streamingModel;
    private final List<LangChain4jTool> tools = new ArrayList<>();
    private final List<ToolSpecification> clientTools = new ArrayList<>();
    private ChatRequestParameters parameters = DefaultChatRequestParameters.EMPTY;
    private LoopConfig config = LoopConfig.ofDefaults();
    private dev.toolguard.core.@Nullable Dialect dialect;
    /** The loop's settings, with their defaults and checks: core's builder, its backend and tools set per run. */
    private final FunctionInvokingLoop.Builder settings = FunctionInvokingLoop.builder();

    private Builder(@Nullable ChatModel model, @Nullable StreamingChatModel streamingModel) {
      this.model = model;
      this.streamingModel = streamingModel;
    }

    /**
     * The methods annotated with LangChain4j's {@code @Tool} of each object, run as {@code AiServices}
     * runs them, each returning as its {@code returnBehavior} says.
     *
     * @throws InvalidMessageException if an object is a class, a collection, or has no {@code @Tool} method
     */
    public Builder tools(Object... objectsWithTools) {
      for (Object o : LangChain4jToolGuard.require(objectsWithTools, "objectsWithTools")) {
        tools.addAll(LangChain4jTool.of(o));
      }
      return this;
    }

    /** A tool given by its specification and the executor that runs it; its results go to the model. */
    public Builder tool(ToolSpecification specification, ToolExecutor executor) {
      tools.add(LangChain4jTool.of(LangChain4jToolGuard.require(specification, "specification"),
          LangChain4jToolGuard.require(executor, "executor")));
      return this;
    }

    /** Tools given by specification and executor, as {@code AiServices.tools(Map)} takes them. */
    public Builder tools(Map<ToolSpecification, ToolExecutor> tools) {
      LangChain4jToolGuard.require(tools, "tools").forEach(this::tool);
      return this;
    }

    /**
     * Tools given by specification and executor, those named in {@code immediateReturnToolNames}
     * returning immediately ({@code IMMEDIATE}), as {@code AiServices.tools(Map, Set)} takes them.
     *
     * @throws InvalidMessageException if a name is not the name of a tool of {@code tools}
     */
    public Builder tools(Map<ToolSpecification, ToolExecutor> tools, Set<String> immediateReturnToolNames) {
      LangChain4jToolGuard.require(tools, "tools");
      LangChain4jToolGuard.require(immediateReturnToolNames, "immediateReturnToolNames");
      Set<String> names = new HashSet<>();
      tools.keySet().forEach(s -> names.add(LangChain4jToolGuard.require(s, "a tool specification").name()));
      for (String name : immediateReturnToolNames) {
        if (!names.contains(name)) {
          throw new InvalidMessageException("immediateReturnToolNames names '" + name
              + "', which is not the name of a tool of the map; the tools are " + new TreeSet<>(names));
        }
      }
      tools.forEach((spec, executor) -> {
        ReturnBehavior behavior = immediateReturnToolNames.contains(spec.name())
            ? ReturnBehavior.IMMEDIATE : ReturnBehavior.TO_LLM;
        this.tools.add(new LangChain4jTool(spec, LangChain4jToolGuard.require(executor, "executor"), behavior, null));
      });
      return this;
    }

    /**
     * Tools as {@code AiServices.tools(List<AiServiceTool>)} takes them (e.g. from {@code
     * ToolService.findTools(object)}), each returning as its {@code returnBehavior()} says.
     */
    public Builder tools(List<AiServiceTool> tools) {
      for (AiServiceTool t : LangChain4jToolGuard.require(tools, "tools")) {
        LangChain4jToolGuard.require(t, "an AiServiceTool");
        this.tools.add(new LangChain4jTool(t.toolSpecification(), t.toolExecutor(), t.returnBehavior(), null));
      }
      return this;
    }

    /**
     * A tool the application runs itself: offered to the model; a call of it ends the run with a
     * {@link PendingCall} until the application answers with a {@code ToolExecutionResultMessage}.
     */
    public Builder clientTool(ToolSpecification specification) {
      clientTools.add(LangChain4jToolGuard.require(specification, "specification"));
      return this;
    }

    /**
     * Request parameters for every model request (model name, temperature, tool choice, …); the tools
     * are the loop's.
     */
    public Builder parameters(ChatRequestParameters parameters) {
      this.parameters = LangChain4jToolGuard.require(parameters, "parameters");
      return this;
    }

    /** The loop's settings: limits, timeouts, approvals by tool name, policies (default {@link LoopConfig#ofDefaults()}). */
    public Builder config(LoopConfig config) {
      settings.config(config);
      this.config = config;
      return this;
    }

    /** Calls for which {@code predicate} is true need approval (besides {@link LoopConfig#approvalRequired()}). */
    public Builder approvalRequiredWhen(Predicate<ToolExecutionRequest> predicate) {
      LangChain4jToolGuard.require(predicate, "approvalRequiredWhen");
      settings.approvalRequiredWhen(call -> predicate.test(Messages.toRequest(call)));
      return this;
    }

    /** "Always approve" rules granted at run time (default: none). */
    public Builder approvalRules(ApprovalRules rules) {
      settings.approvalRules(rules);
      return this;
    }

    /** Signs approval requests; only answers that carry the signature are honoured. */
    public Builder signApprovals(ApprovalSigner signer) {
      settings.signApprovals(signer);
      return this;
    }

    /**
     * Where waiting calls are claimed before they run and their results recorded, per conversation, so
     * that a retried or doubled resume runs none twice (default: in this process's memory, shared by
     * every run of the loop). Give every instance of the application the same journal so that a call
     * runs once across instances.
     */
    public Builder journal(CallJournal journal) {
      settings.journal(journal);
      return this;
    }

    /** Who observes the loop. */
    public Builder listener(LoopListener listener) {
      settings.listener(listener);
      return this;
    }

    /** Where tool calls run (default: toolguard's shared pool). */
    public Builder executor(ExecutorService executor) {
      settings.executor(executor);
      return this;
    }

    /** The guard that checks and repairs histories (default {@link HistoryGuard#ofDefaults()}). */
    public Builder historyGuard(HistoryGuard guard) {
      settings.historyGuard(guard);
      return this;
    }

    /**
     * The wire format of the provider the model talks to, whose rules the loop keeps: the ids it makes
     * up or renames obey its id rule (Mistral: 9 letters and digits), the history it sends keeps its
     * adjacency and counts. By default taken from the model's {@code ModelProvider}, as {@link
     * LangChain4jToolGuard.Builder#dialect} lists; set it when the provider is not the wire format (an
     * OpenAI client pointed at Mistral's OpenAI-compatible endpoint).
     */
    public Builder dialect(dev.toolguard.core.Dialect dialect) {
      this.dialect = LangChain4jToolGuard.require(dialect, "dialect");
      return this;
    }

    /**
     * The loop.
     *
     * @throws InvalidMessageException if two tools share a name
     */
    public ToolLoop build() {
      return new ToolLoop(this);
    }
  }
}
