package dev.toolguard.springai;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.Content;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.conversation.ConversationStore;
import dev.toolguard.core.conversation.Conversations;
import dev.toolguard.core.loop.ApprovalRules;
import dev.toolguard.core.loop.ApprovalSigner;
import dev.toolguard.core.loop.CallJournal;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopListener;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolRegistry;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.springai.internal.ChainBackend;
import dev.toolguard.springai.internal.ChatMemoryConversation;
import dev.toolguard.springai.internal.Dialects;
import dev.toolguard.springai.internal.GeminiView;
import dev.toolguard.springai.internal.MessageMapper;
import dev.toolguard.springai.internal.SpringTools;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.ToolCallingAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisorChain;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisor;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisorChain;
import org.springframework.ai.chat.client.advisor.api.ToolAdvisor;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.model.tool.ToolExecutionResult;
import org.springframework.ai.support.ToolCallbacks;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.ToolCallbackProvider;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Owns the tool loop of a Spring AI {@code ChatClient}: it runs toolguard's function-invoking loop
 * instead of Spring AI's {@link ToolCallingAdvisor}, so the history sent to the model is repaired
 * before every request, every turn is atomic, tools run once, and calls can wait for human approval
 * or for the application (client-side tools) — in any process, after any serialization.
 *
 * <p>It is a {@link ToolAdvisor}, so {@code DefaultChatClient} does not register Spring AI's own
 * tool-calling advisor beside it (tools never run twice); register it with {@code
 * .defaultAdvisors(advisor)} or per request. Tools are the {@code ToolCallback}s of the request
 * ({@code .tools(...)}, {@code .toolCallbacks(...)}, {@code @Tool} objects) and those given to the
 * builder; the request's win on a name clash. Every model request goes through the advisors after
 * this one, so they see every round. The loop keeps the rules of the provider's wire format (ids it
 * makes up or renames in its id rule, its adjacency and counts), picked per request from the chat
 * options or set with {@link Builder#dialect}.
 *
 * <p>Inputs and outputs travel in the advisor context:
 *
 * <ul>
 *   <li>{@link #APPROVALS} (in): {@link ApprovalResponse}s answering waiting calls;
 *   <li>{@link #TOOL_RESULTS} (in): {@link ToolResult}s answering calls of client-side tools;
 *   <li>{@link #STATUS}, {@link #PENDING}, {@link #HISTORY}, {@link #LOOP_RESULT} (out), in the
 *       {@link ChatClientResponse#context()}.
 * </ul>
 *
 * <p>{@code returnDirect} tools follow Spring AI's rule: when every call of a turn is one, the
 * results go to the caller as Spring AI's own loop returns them (one generation per result, finish
 * reason {@code returnDirect}) without another model request; the history keeps the calls with their
 * results. A turn with any other call goes back to the model.
 *
 * <p>With {@link Builder#chatMemory(ChatMemory)} the advisor keeps the conversation itself (by the
 * {@link ChatMemory#CONVERSATION_ID} parameter): it reads the history before the run and stores the
 * whole run — every tool turn with its results, waiting calls, resolved approvals — when it ends.
 * Use it instead of a {@code MessageChatMemoryAdvisor} when calls can wait for approval: an
 * append-only memory advisor cannot record that a waiting call was answered.
 *
 * <p><b>Conversations.</b> The run's conversation key is the conversation id ({@link
 * ChatMemory#CONVERSATION_ID} in the advisor context, else {@link Builder#defaultConversationId}),
 * with or without a memory: a stateless application that sends {@link #HISTORY} back should set one
 * too. Call ids repeat across conversations (models number them {@code call_0}, {@code call_1}, …);
 * under the key a waiting call is answered only in its conversation ({@link
 * dev.toolguard.core.loop.ApprovalException.Reason#FOREIGN_CONVERSATION} elsewhere) and runs once in
 * it, however often its approval is resumed — twice at once, from a stale copy of the history, on
 * another instance sharing the {@link Builder#journal journal}: a later resume reuses its result, or
 * fails with {@link dev.toolguard.core.loop.CallInProgressException} if the first is still running
 * after {@link LoopConfig#claimWait()}. Without an id a result answers only the very waiting call
 * it was recorded for.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ToolGuardAdvisor implements CallAdvisor, StreamAdvisor, ToolAdvisor {

  /** The default order: the place of Spring AI's tool-calling advisor, inside memory advisors. */
  public static final int DEFAULT_ORDER = ToolCallingAdvisor.DEFAULT_ORDER;

  /** Context key (in): a {@code Collection<ApprovalResponse>} answering waiting calls. */
  public static final String APPROVALS = "toolguard.approvals";

  /** Context key (in): a {@code Collection<ToolResult>} answering calls of client-side tools. */
  public static final String TOOL_RESULTS = "toolguard.toolResults";

  /** Context key (out): the {@link LoopResult.Status} of the run. */
  public static final String STATUS = "toolguard.status";

  /** Context key (out): the {@code List<ApprovalRequest>} of calls that wait; empty when none. */
  public static final String PENDING = "toolguard.pending";

  /**
   * Context key (out): the whole history after the run as Spring AI messages ({@code List<Message>}),
   * valid and with waiting calls in it; a stateless application sends it back next time.
   */
  public static final String HISTORY = "toolguard.history";

  /** Context key (out): the core {@link LoopResult} of the run. */
  public static final String LOOP_RESULT = "toolguard.loopResult";

  private static final Logger LOG = LoggerFactory.getLogger(ToolGuardAdvisor.class);

  private final List<ToolCallback> tools;
  private final List<ToolSpec> clientTools;
  private final LoopConfig config;
  /** The loop's settings; each run copies it and adds its backend and tools. Never changed. */
  private final FunctionInvokingLoop.Builder settings;
  private final @Nullable ChatMemory memory;
  private final @Nullable ConversationStore store;
  private final @Nullable String defaultConversationId;
  private final int order;
  private final ObservationRegistry observationRegistry;
  private final dev.toolguard.core.@Nullable Dialect dialect;
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  private ToolGuardAdvisor(Builder b) {
    this.tools = List.copyOf(b.tools);
    this.clientTools = List.copyOf(b.clientTools);
    this.config = b.config;
    this.settings = b.settings.copy();
    this.memory = b.memory;
    this.store = b.store;
    this.defaultConversationId = b.defaultConversationId;
    this.order = b.order;
    this.observationRegistry = b.observationRegistry;
    this.dialect = b.dialect;
  }

  /** A builder with the defaults: no tools of its own, {@link LoopConfig#ofDefaults()}, no memory. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String getName() {
    return "ToolGuardAdvisor";
  }

  @Override
  public int getOrder() {
    return order;
  }

  /** The loop settings. */
  public LoopConfig config() {
    return config;
  }

  /** The store this advisor keeps conversations in, whole and versioned, or null. */
  public @Nullable ConversationStore conversationStore() {
    return store;
  }

  /** The dialect set on the builder, or null when it is picked per request from its chat options. */
  public dev.toolguard.core.@Nullable Dialect dialect() {
    return dialect;
  }

  /** The memory this advisor keeps conversations in, or null. */
  public @Nullable ChatMemory chatMemory() {
    return memory;
  }

  @Override
  public ChatClientResponse adviseCall(ChatClientRequest request, CallAdvisorChain chain) {
    Turn turn = new Turn(request);
    return turn.run(mapper -> ChainBackend.calling(mapper, turn.options, turn.context, chain, this), false);
  }

  @Override
  public Flux<ChatClientResponse> adviseStream(ChatClientRequest request, StreamAdvisorChain chain) {
    return Flux.<ChatClientResponse>create(sink -> {
      Thread worker = Thread.currentThread();
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicBoolean cancelled = new AtomicBoolean();
      sink.onCancel(() -> {
        cancelled.set(true);
        if (running.get()) {
          worker.interrupt();
        }
      });
      // the ChatClient's observation travels in the Reactor context, not on this thread: put it in scope
      // here, so that toolguard's and Spring AI's observations of this turn nest in it as they do on call
      Object parent = sink.contextView().getOrDefault(OBSERVATION_CONTEXT_KEY, null);
      Observation.Scope scope = parent instanceof Observation o ? o.openScope() : null;
      try {
        Turn turn = new Turn(request);
        ChatClientResponse last = turn.run(
            mapper -> ChainBackend.streaming(mapper, turn.options, turn.context, chain, this, sink::next,
                cancelled::get), true);
        sink.next(last);
        sink.complete();
      } catch (RuntimeException e) {
        sink.error(e);
      } finally {
        if (scope != null) {
          scope.close();
        }
        running.set(false);
        Thread.interrupted(); // never leave an interrupt behind on a pooled thread
      }
    }).subscribeOn(StreamThreads.SCHEDULER);
  }

  /**
   * The threads streamed turns run on: one per turn in progress (a turn blocks while the model streams
   * and its tools run), daemon, created as needed and kept a minute when idle. Not Reactor's bounded
   * elastic pool: the model's own stream needs that pool, and turns that held all of its threads
   * (10 per core) while waiting for their streams deadlocked once that many streamed at once.
   */
  /** The Reactor context key of the current observation (Micrometer's {@code ObservationThreadLocalAccessor.KEY}). */
  private static final String OBSERVATION_CONTEXT_KEY = "micrometer.observation";

  private static final class StreamThreads {
    static final Scheduler SCHEDULER = Schedulers.fromExecutorService(
        Executors.newCachedThreadPool(new ThreadFactory() {
          private final AtomicInteger n = new AtomicInteger();

          @Override
          public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "toolguard-stream-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
          }
        }), "toolguard-stream");
  }

  /** One run of the advisor: the history, the tools and the loop for one request. */
  private final class Turn {
    private final ChatClientRequest request;
    private final Map<String, @Nullable Object> context;
    private final @Nullable ChatOptions options;
    private final ToolRegistry registry;
    private final @Nullable String conversationId;

    Turn(ChatClientRequest request) {
      this.request = request;
      this.context = new HashMap<>(request.context());
      context.remove(APPROVALS);
      context.remove(TOOL_RESULTS);
      Map<String, ToolCallback> byName = new LinkedHashMap<>();
      for (ToolCallback cb : tools) {
        byName.put(cb.getToolDefinition().name(), cb);
      }
      ChatOptions requestOptions = request.prompt().getOptions();
      Map<String, Object> toolContext = null;
      if (requestOptions instanceof ToolCallingChatOptions tco) {
        if (tco.getToolCallbacks() != null) {
          for (ToolCallback cb : tco.getToolCallbacks()) {
            byName.put(cb.getToolDefinition().name(), cb);
          }
        }
        toolContext = tco.getToolContext();
      }
      List<LoopTool> coreTools = new ArrayList<>(byName.size());
      for (ToolCallback cb : byName.values()) {
        coreTools.add(SpringTools.tool(cb, toolContext, observationRegistry));
      }
      this.registry = ToolRegistry.of(coreTools, List.of());
      if (requestOptions instanceof ToolCallingChatOptions tco) {
        List<ToolCallback> advertised = new ArrayList<>(byName.values());
        for (ToolSpec spec : clientTools) {
          advertised.add(SpringTools.declaration(spec));
        }
        this.options = tco.mutate().toolCallbacks(advertised).build();
      } else {
        if ((!coreTools.isEmpty() || !clientTools.isEmpty()) && warned.add("options")) {
          LOG.warn("the chat options ({}) do not support tool calling; the tools are not offered to the model",
              requestOptions == null ? "none" : requestOptions.getClass().getSimpleName());
        }
        this.options = requestOptions;
      }
      this.conversationId = conversationId(request.context(), memory != null || store != null);
    }

    ChatClientResponse run(Function<MessageMapper, ChainBackend> backends, boolean streaming) {
      MessageMapper mapper = new MessageMapper();
      List<Message> promptMessages = request.prompt().getInstructions();
      List<Message> springHistory = new ArrayList<>();
      List<Message> promptOthers = new ArrayList<>();
      for (Message m : promptMessages) {
        if (m instanceof SystemMessage) {
          springHistory.add(m);
        } else {
          promptOthers.add(m);
        }
      }
      List<Message> stored = store == null && memory != null && conversationId != null
          ? memory.get(conversationId) : List.of();
      int system = springHistory.size();
      springHistory.addAll(stored);
      springHistory.addAll(promptOthers);
      // one mapping of the whole history (an answer maps against the call it answers), then split
      List<dev.toolguard.core.Message> all = mapper.toCore(springHistory);
      List<dev.toolguard.core.Message> fresh = new ArrayList<>(all.subList(system + stored.size(), all.size()));
      addAnswers(fresh, !promptOthers.isEmpty() && promptOthers.get(promptOthers.size() - 1) instanceof UserMessage);

      ChainBackend backend = backends.apply(mapper);
      FunctionInvokingLoop loop = loop(backend);
      LoopResult result;
      if (conversationId == null) {
        // no conversation: the loop alone, on what the request carries
        List<dev.toolguard.core.Message> history = new ArrayList<>(all.subList(0, system));
        history.addAll(fresh);
        result = streaming ? loop.stream(history, dev.toolguard.core.loop.StreamHandler.ignoring()) : loop.run(history);
      } else {
        // core's one flow: the conversation from its store, the prompt's system messages sent and never stored
        ConversationStore conversation = store != null ? store
            : memory != null ? new ChatMemoryConversation(memory, mapper, stored, all.subList(system, system + stored.size()))
            : ConversationStore.none();
        Conversations conversations = Conversations.of(loop, conversation).withInstructions(all.subList(0, system));
        result = streaming
            ? conversations.stream(conversationId, fresh, dev.toolguard.core.loop.StreamHandler.ignoring())
            : conversations.run(conversationId, fresh);
      }
      return response(result, mapper.toSpring(result.history()), mapper, backend.last(), streaming);
    }

    /** Appends the answers from the context: approvals with the user's new message, results before it. */
    private void addAnswers(List<dev.toolguard.core.Message> history, boolean lastFromPrompt) {
      List<ApprovalResponse> approvals = answers(APPROVALS, ApprovalResponse.class);
      List<ToolResult> results = answers(TOOL_RESULTS, ToolResult.class);
      int userAt = lastFromPrompt ? history.size() - 1 : -1;
      if (!results.isEmpty()) {
        dev.toolguard.core.Message tool = new dev.toolguard.core.Message(Role.TOOL, new ArrayList<Content>(results),
            Map.of());
        if (userAt >= 0) {
          history.add(userAt, tool);
          userAt++;
        } else {
          history.add(tool);
        }
      }
      if (!approvals.isEmpty()) {
        if (userAt >= 0) {
          dev.toolguard.core.Message user = history.get(userAt);
          List<Content> contents = new ArrayList<>(user.contents());
          contents.addAll(approvals);
          history.set(userAt, user.withContents(contents));
        } else {
          history.add(new dev.toolguard.core.Message(Role.USER, new ArrayList<Content>(approvals), Map.of()));
        }
      }
    }

    private <T> List<T> answers(String key, Class<T> type) {
      Object value = request.context().get(key);
      if (value == null) {
        return List.of();
      }
      Collection<?> items;
      if (value instanceof Collection<?> c) {
        items = c;
      } else if (value instanceof Object[] array) {
        items = Arrays.asList(array);
      } else if (type.isInstance(value)) {
        items = List.of(value);
      } else {
        throw new IllegalArgumentException("advisor parameter '" + key + "' is a " + value.getClass().getName()
            + "; give a collection of " + type.getSimpleName());
      }
      List<T> out = new ArrayList<>(items.size());
      for (Object o : items) {
        if (!type.isInstance(o)) {
          throw new IllegalArgumentException("advisor parameter '" + key + "' holds a "
              + (o == null ? "null" : o.getClass().getName()) + "; every element must be a " + type.getSimpleName());
        }
        out.add(type.cast(o));
      }
      return out;
    }

    private FunctionInvokingLoop loop(ChainBackend backend) {
      FunctionInvokingLoop.Builder b = settings.copy().backend(backend.jsonOutputs(GeminiView.needed(dialect())))
          .tools(registry);
      dev.toolguard.core.Dialect d = dialect();
      if (d != null) {
        b.dialect(d);
      }
      return b.build();
    }

    /** The dialect of this request: the builder's, else the one its options name. */
    private dev.toolguard.core.@Nullable Dialect dialect() {
      return dialect != null ? dialect : Dialects.ofOptions(request.prompt().getOptions());
    }


    private ChatClientResponse response(LoopResult result, List<Message> after, MessageMapper mapper,
        @Nullable ChatClientResponse last, boolean streaming) {
      ChatResponse chat = result.status() == LoopResult.Status.RETURNED_DIRECT
          ? direct(result, last)
          : answer(result, mapper, last, streaming);
      Map<String, Object> out = new HashMap<>();
      copyNonNull(request.context(), out);
      if (last != null) {
        copyNonNull(last.context(), out);
      }
      out.remove(APPROVALS);
      out.remove(TOOL_RESULTS);
      out.put(STATUS, result.status());
      out.put(PENDING, result.pending());
      out.put(HISTORY, Collections.unmodifiableList(after));
      out.put(LOOP_RESULT, result);
      return ChatClientResponse.builder().chatResponse(chat).context(out).build();
    }

    /**
     * The tool results of a turn that returned directly, shaped as Spring AI's own tool loop shapes
     * them ({@link ToolExecutionResult#buildGenerations}): one generation per result, in call order,
     * its text the output, with the tool id and name in its metadata and finish reason {@code
     * returnDirect}; the response metadata is that of the last model response.
     */
    private ChatResponse direct(LoopResult result, @Nullable ChatClientResponse last) {
      List<ToolResponseMessage.ToolResponse> responses = new ArrayList<>();
      for (ToolResult r : result.directResults()) {
        responses.add(new ToolResponseMessage.ToolResponse(r.callId(), r.name(), r.output()));
      }
      List<Generation> generations = ToolExecutionResult.buildGenerations(ToolExecutionResult.builder()
          .conversationHistory(List.of(ToolResponseMessage.builder().responses(responses).build()))
          .returnDirect(true)
          .build());
      if (last != null && last.chatResponse() != null) {
        return ChatResponse.builder().from(last.chatResponse()).generations(generations).build();
      }
      return new ChatResponse(generations);
    }

    /** The model's last answer; never with a call whose result is not beside it. */
    private ChatResponse answer(LoopResult result, MessageMapper mapper, @Nullable ChatClientResponse last,
        boolean streaming) {
      dev.toolguard.core.Message lastAssistant = result.lastAssistantMessage();
      AssistantMessage output;
      if (lastAssistant == null) {
        output = AssistantMessage.builder().content("").build();
      } else {
        Message spring = mapper.toSpring(lastAssistant);
        output = spring instanceof AssistantMessage a ? a : AssistantMessage.builder().content(spring.getText()).build();
      }
      if (output.hasToolCalls() || streaming) {
        // the calls and their results are in HISTORY; the output alone must never carry a call
        // without its result (an outer memory advisor stores it as it is)
        Map<String, Object> properties = new HashMap<>(output.getMetadata());
        properties.remove(MessageMapper.TOOL_CALLS);
        output = AssistantMessage.builder()
            .content(streaming ? "" : output.getText())
            .properties(properties)
            .media(output.getMedia())
            .build();
      }
      if (last != null && last.chatResponse() != null && last.chatResponse().getResult() != null) {
        Generation g = last.chatResponse().getResult();
        return ChatResponse.builder().from(last.chatResponse())
            .generations(List.of(new Generation(output, g.getMetadata()))).build();
      }
      return new ChatResponse(List.of(new Generation(output)));
    }
  }

  /**
   * The request's conversation id ({@link ChatMemory#CONVERSATION_ID}, else the default), the key of its
   * run; null when there is none and {@code required} is false (no memory to keep it in).
   */
  private @Nullable String conversationId(Map<String, @Nullable Object> context, boolean required) {
    Object id = context.get(ChatMemory.CONVERSATION_ID);
    if (id != null && !id.toString().isBlank()) {
      return id.toString();
    }
    if (defaultConversationId != null) {
      return defaultConversationId;
    }
    if (!required) {
      return null;
    }
    throw new IllegalArgumentException("ToolGuardAdvisor keeps the conversation in a chat memory or conversation store, but the request"
        + " names no conversation: add .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, id)) or set"
        + " Builder.defaultConversationId");
  }

  private static void copyNonNull(Map<String, @Nullable Object> from, Map<String, Object> to) {
    for (Map.Entry<String, @Nullable Object> e : from.entrySet()) {
      if (e.getValue() != null) {
        to.put(e.getKey(), e.getValue());
      }
    }
  }

  /** The approval requests waiting in a Spring AI history (as stored in memory or sent back by a client). */
  static List<ApprovalRequest> pendingIn(List<? extends Message> history) {
    List<ApprovalRequest> out = new ArrayList<>();
    for (dev.toolguard.core.Message m : new MessageMapper().toCore(history)) {
      for (Content c : m.contents()) {
        if (c instanceof ApprovalRequest r) {
          out.add(r);
        }
      }
    }
    return out;
  }

  /** Builds a {@link ToolGuardAdvisor}; every setter checks its value at once. */
  public static final class Builder {
    private final List<ToolCallback> tools = new ArrayList<>();
    private final List<ToolSpec> clientTools = new ArrayList<>();
    private LoopConfig config = LoopConfig.ofDefaults();
    /** The loop's settings, with their defaults and checks: core's builder, its backend and tools set per run. */
    private final FunctionInvokingLoop.Builder settings = FunctionInvokingLoop.builder();
    private @Nullable ChatMemory memory;
    private @Nullable ConversationStore store;
    private @Nullable String defaultConversationId;
    private int order = DEFAULT_ORDER;
    private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;
    private dev.toolguard.core.@Nullable Dialect dialect;

    private Builder() {}

    /**
     * The wire format of the provider every request goes to, whose rules the loop keeps: the ids it
     * makes up or renames obey its id rule (Mistral: 9 letters and digits), the history it sends keeps its
     * adjacency and counts. By default it is picked per request from the request's chat options, which
     * {@code ChatClient} builds from the model's own ({@link ToolGuardSpringAi#dialectOf} lists the
     * models); a model of no known class gets the invariant every provider shares. Set it when the
     * model's class is not the wire format (an {@code OpenAiChatModel} pointed at Mistral's
     * OpenAI-compatible endpoint: {@link dev.toolguard.core.Dialect#MISTRAL}); the Boot property is
     * {@code toolguard.dialect}.
     */
    public Builder dialect(dev.toolguard.core.Dialect dialect) {
      this.dialect = require("dialect", dialect);
      return this;
    }

    /**
     * Where each tool call is observed as Spring AI's own tool loop observes it (a {@code spring.ai.tool}
     * observation, {@code ToolCallingObservationContext}); default {@code ObservationRegistry.NOOP}. The
     * auto-configuration passes the application's registry.
     */
    public Builder observationRegistry(ObservationRegistry registry) {
      if (registry == null) {
        throw new IllegalArgumentException("registry must not be null; pass ObservationRegistry.NOOP to observe nothing");
      }
      this.observationRegistry = registry;
      return this;
    }

    /** Tools offered with every request, besides the request's own. */
    public Builder tools(ToolCallback... callbacks) {
      for (ToolCallback cb : require("tools", callbacks)) {
        tools.add(require("tools[]", cb));
      }
      return this;
    }

    /** Tools offered with every request, from providers (MCP clients, method providers, …). */
    public Builder tools(ToolCallbackProvider... providers) {
      for (ToolCallbackProvider p : require("tools", providers)) {
        tools(require("tools[]", p).getToolCallbacks());
      }
      return this;
    }

    /** Tools from the {@code @Tool} methods of {@code toolObjects}. */
    public Builder toolObjects(Object... toolObjects) {
      return tools(ToolCallbacks.from(require("toolObjects", toolObjects)));
    }

    /**
     * A tool the application runs itself: it is offered to the model, and a call of it ends the run
     * with status {@code AWAITING} until the application answers with {@link #TOOL_RESULTS} (or an
     * {@link ApprovalResponse#respondWith}).
     */
    public Builder clientTool(String name, String description, String parametersSchema) {
      ToolSpec spec = new ToolSpec(name, description, parametersSchema);
      settings.clientTool(spec);
      clientTools.add(spec);
      return this;
    }

    /** The loop settings (default {@link LoopConfig#ofDefaults()}). */
    public Builder config(LoopConfig config) {
      settings.config(config);
      this.config = config;
      return this;
    }

    /** Who observes the loop (default none). */
    public Builder listener(LoopListener listener) {
      settings.listener(listener);
      return this;
    }

    /** Where tools run (default: toolguard's shared pool of daemon threads). */
    public Builder executor(ExecutorService executor) {
      settings.executor(executor);
      return this;
    }

    /** What remembers calls that ran, so a retried resume runs none twice (default in memory). */
    public Builder journal(CallJournal journal) {
      settings.journal(journal);
      return this;
    }

    /** "Always approve" rules users granted (default none). */
    public Builder approvalRules(ApprovalRules rules) {
      settings.approvalRules(rules);
      return this;
    }

    /** Calls for which {@code predicate} is true need approval, besides the tools named in the config. */
    public Builder approvalRequiredWhen(Predicate<ToolCall> predicate) {
      settings.approvalRequiredWhen(predicate);
      return this;
    }

    /** Signs approval requests, so only responses built from them are honoured. */
    public Builder signApprovals(ApprovalSigner signer) {
      settings.signApprovals(signer);
      return this;
    }

    /** The guard that checks and repairs histories (default {@link HistoryGuard#ofDefaults()}). */
    public Builder historyGuard(HistoryGuard guard) {
      settings.historyGuard(guard);
      return this;
    }

    /**
     * Keeps each conversation in {@code memory} (read before a run, written when it ends). Wrap it
     * with {@link ToolGuardChatMemory} to repair what the store or its window broke. A {@code
     * ChatMemory} has no versions: two instances writing one conversation at once can overwrite each
     * other; use {@link #conversationStore} where that can happen.
     *
     * @throws IllegalStateException if a conversation store is set
     */
    public Builder chatMemory(ChatMemory memory) {
      require("chatMemory", memory);
      if (store != null) {
        throw new IllegalStateException("chatMemory and conversationStore are both set; keep conversations in one");
      }
      this.memory = memory;
      return this;
    }

    /**
     * Keeps each conversation in {@code store}, whole (every call, result, waiting call and provider
     * item) and versioned: the advisor runs core's {@link Conversations} flow under the conversation id,
     * and a save that finds the conversation changed by another instance fails with {@link
     * dev.toolguard.core.conversation.ConversationConflictException} instead of overwriting it. The
     * prompt's system messages are sent first and never stored. {@code toolguard-jdbc}'s {@code
     * JdbcConversationStore} keeps them in the application's database.
     *
     * @throws IllegalStateException if a chat memory is set
     */
    public Builder conversationStore(ConversationStore store) {
      require("conversationStore", store);
      if (memory != null) {
        throw new IllegalStateException("chatMemory and conversationStore are both set; keep conversations in one");
      }
      this.store = store;
      return this;
    }

    /** The conversation id used when a request names none (default: none, and such a request fails). */
    public Builder defaultConversationId(String conversationId) {
      if (conversationId == null || conversationId.isBlank()) {
        throw new IllegalArgumentException("defaultConversationId must not be blank");
      }
      this.defaultConversationId = conversationId;
      return this;
    }

    /** The advisor order (default {@link #DEFAULT_ORDER}). */
    public Builder order(int order) {
      this.order = order;
      return this;
    }

    /** The advisor. */
    public ToolGuardAdvisor build() {
      return new ToolGuardAdvisor(this);
    }

    private static <T> T require(String name, @Nullable T value) {
      if (value == null) {
        throw new IllegalArgumentException(name + " must not be null");
      }
      return value;
    }
  }
}
