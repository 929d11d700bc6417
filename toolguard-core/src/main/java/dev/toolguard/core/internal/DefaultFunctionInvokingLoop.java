package dev.toolguard.core.internal;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.ApprovalResponse.Decision;
import dev.toolguard.core.Content;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.InvalidHistoryException;
import dev.toolguard.core.Message;
import dev.toolguard.core.Metadata;
import dev.toolguard.core.ProviderView;
import dev.toolguard.core.RepairAction;
import dev.toolguard.core.RepairResult;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.Violation;
import dev.toolguard.core.loop.ApprovalException;
import dev.toolguard.core.loop.ApprovalException.Reason;
import dev.toolguard.core.loop.ApprovalRules;
import dev.toolguard.core.loop.ApprovalSigner;
import dev.toolguard.core.loop.CallInProgressException;
import dev.toolguard.core.loop.CallJournal;
import dev.toolguard.core.loop.CallJournalException;
import dev.toolguard.core.loop.CallKey;
import dev.toolguard.core.loop.Claim;
import dev.toolguard.core.loop.ChatBackend;
import dev.toolguard.core.loop.ChatRequest;
import dev.toolguard.core.loop.ChatResponse;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopException;
import dev.toolguard.core.loop.LoopListener;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.core.loop.LoopRun;
import dev.toolguard.core.loop.LoopResult.Status;
import dev.toolguard.core.loop.StreamHandler;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolRegistry;
import dev.toolguard.core.loop.ToolSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The {@link FunctionInvokingLoop} of toolguard-core. */
public final class DefaultFunctionInvokingLoop implements FunctionInvokingLoop {

  private static final Logger LOG = LoggerFactory.getLogger("dev.toolguard.loop");

  /** The pool tools run on when the application gives none: daemon threads, created as needed. */
  private static final class SharedPool {
    static final ExecutorService INSTANCE = Executors.newCachedThreadPool(new java.util.concurrent.ThreadFactory() {
      private final AtomicInteger n = new AtomicInteger();

      @Override
      public Thread newThread(Runnable r) {
        Thread t = new Thread(r, "toolguard-tool-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      }
    });
  }

  private final ChatBackend backend;
  private final ToolRegistry tools;
  private final Map<String, ToolSpec> clientTools;
  private final LoopConfig config;
  private final LoopListener listener;
  private final ToolRunner runner;
  private final ApprovalRules rules;
  private final Predicate<ToolCall> approvalPredicate;
  private final @Nullable ApprovalSigner signer;
  private final HistoryGuard guard;
  private final Map<String, Object> options;
  private final List<ToolSpec> advertised;
  private final CallJournal journal;
  private final java.time.Clock clock;
  private final dev.toolguard.core.@Nullable Dialect dialect;

  /** Use {@link FunctionInvokingLoop#builder}. */
  public DefaultFunctionInvokingLoop(
      ChatBackend backend,
      ToolRegistry tools,
      Map<String, ToolSpec> clientTools,
      LoopConfig config,
      LoopListener listener,
      @Nullable ExecutorService executor,
      CallJournal journal,
      ApprovalRules rules,
      Predicate<ToolCall> approvalPredicate,
      @Nullable ApprovalSigner signer,
      HistoryGuard guard,
      Map<String, Object> options,
      java.time.Clock clock,
      dev.toolguard.core.@Nullable Dialect dialect) {
    this.backend = backend;
    this.tools = tools;
    this.clientTools = clientTools;
    this.config = config;
    this.listener = listener;
    this.runner = new ToolRunner(executor == null ? SharedPool.INSTANCE : executor, config, listener);
    this.journal = journal;
    this.clock = clock;
    this.dialect = dialect;
    this.rules = rules;
    this.approvalPredicate = approvalPredicate;
    this.signer = signer;
    this.guard = guard;
    this.options = options;
    List<ToolSpec> specs = new ArrayList<>(tools.advertised());
    specs.addAll(clientTools.values());
    this.advertised = List.copyOf(specs);
  }

  @Override
  public LoopResult run(List<Message> history) {
    return new Run(null, HistoryChecker.requireHistory(history), null).execute();
  }

  @Override
  public LoopResult stream(List<Message> history, StreamHandler handler) {
    return new Run(null, HistoryChecker.requireHistory(history), requireHandler(handler)).execute();
  }

  @Override
  public LoopResult run(String conversationKey, List<Message> history) {
    return new Run(requireKey(conversationKey), HistoryChecker.requireHistory(history), null).execute();
  }

  @Override
  public LoopResult stream(String conversationKey, List<Message> history, StreamHandler handler) {
    return new Run(requireKey(conversationKey), HistoryChecker.requireHistory(history), requireHandler(handler))
        .execute();
  }

  private static StreamHandler requireHandler(StreamHandler handler) {
    if (handler == null) {
      throw new IllegalArgumentException("handler must not be null; use StreamHandler.ignoring()");
    }
    return handler;
  }

  private static String requireKey(String conversationKey) {
    if (conversationKey == null || conversationKey.isBlank()) {
      throw new IllegalArgumentException("conversationKey must not be " + (conversationKey == null ? "null" : "blank")
          + ": pass the id that names this conversation (a chat memory id, a session id), or run without one");
    }
    return conversationKey;
  }

  @Override
  public String toString() {
    return "FunctionInvokingLoop[" + tools + ", clientTools=" + clientTools.keySet() + ", " + config + "]";
  }

  /** The state of one run. */
  private final class Run {
    /** The conversation key, or null. */
    private final @Nullable String conversationKey;
    /** The digest of the key, made when first needed (most runs make no waiting call and settle none). */
    private @Nullable String digest;
    /** Who holds this run's claims. */
    private final String holder = java.util.UUID.randomUUID().toString();
    private final List<Message> input;
    private final @Nullable StreamHandler handler;
    private final List<Message> working;
    private int addedFrom;
    private final List<RepairAction> repairs = new ArrayList<>();
    private final Map<String, Throwable> failures = new LinkedHashMap<>();
    private final Set<String> usedIds = new HashSet<>();
    private int iterations;
    private int calls;
    private int errorStreak;
    /** The turn just completed returns its results to the caller (every call ran a returnDirect tool). */
    private boolean returnedDirect;

    /** The digest that stands for the key in requests and journal entries, or {@link CallKey#NO_CONVERSATION}. */
    private String conversation() {
      String d = digest;
      if (d == null) {
        d = conversationKey == null ? CallKey.NO_CONVERSATION : CallKey.conversationDigest(conversationKey);
        digest = d;
      }
      return d;
    }

    /** This run as listeners see it. */
    private final LoopRun run;

    Run(@Nullable String conversationKey, List<Message> input, @Nullable StreamHandler handler) {
      this.conversationKey = conversationKey;
      this.run = new LoopRun(holder, conversationKey, dialect, handler != null);
      this.input = input;
      this.handler = handler;
      this.working = new ArrayList<>(input.size() + 8);
      for (int i = 0; i < input.size(); i++) {
        working.add(HistoryChecker.requireMessage(input, i));
      }
      this.addedFrom = input.size();
    }

    /**
     * Runs with the conversation key in the MDC (the value before put back at the end), between the
     * listener's run start and end.
     */
    LoopResult execute() {
      String before = conversationKey == null ? null : MDC.get(FunctionInvokingLoop.MDC_CONVERSATION);
      if (conversationKey != null) {
        MDC.put(FunctionInvokingLoop.MDC_CONVERSATION, conversationKey);
      }
      try {
        listener.onRunStarted(run);
        LoopResult result;
        try {
          result = executeRun();
        } catch (RuntimeException | Error e) {
          listener.onRunFinished(run, null, e);
          throw e;
        }
        listener.onRunFinished(run, result, null);
        return result;
      } finally {
        if (conversationKey != null) {
          if (before == null) {
            MDC.remove(FunctionInvokingLoop.MDC_CONVERSATION);
          } else {
            MDC.put(FunctionInvokingLoop.MDC_CONVERSATION, before);
          }
        }
      }
    }

    private LoopResult executeRun() {
      List<ApprovalRequest> stillPending = resume();
      if (!stillPending.isEmpty()) {
        return result(Status.AWAITING, stillPending);
      }
      applyHistoryPolicy();
      if (returnedDirect) {
        LOG.debug("the resumed turn ran only tools that return directly: the run ends without a model request");
        return result(Status.RETURNED_DIRECT, List.of());
      }
      for (Message m : working) {
        for (Content c : m.contents()) {
          if (c instanceof ToolCall call) {
            usedIds.add(call.callId());
          } else if (c instanceof ApprovalRequest r) {
            usedIds.add(r.callId());
          }
        }
      }
      while (true) {
        if (Thread.currentThread().isInterrupted()) {
          throw new LoopException("the run was interrupted before request " + (iterations + 1) + "; the history"
              + " it carries is balanced", new InterruptedException("interrupted"), working, added());
        }
        iterations++;
        ChatRequest request = new ChatRequest(ProviderView.of(working), advertised, options);
        listener.onRequest(run, request, iterations);
        ChatResponse response;
        try {
          response = handler == null ? backend.send(request) : backend.stream(request, handler);
        } catch (RuntimeException e) {
          listener.onRequestFailed(run, request, iterations, e);
          throw new LoopException("the backend failed on request " + iterations + " of this run ("
              + e.getClass().getSimpleName() + "); the history it carries is balanced: store it and retry", e,
              working, added());
        }
        listener.onResponse(run, response, iterations);
        Message answer = withFreshIds(response.message());
        List<ToolCall> asked = answer.toolCalls();
        if (asked.isEmpty()) {
          if (answer.contents().isEmpty()) {
            // an empty message breaks the invariant (and every provider refuses it): the model said nothing
            LOG.warn("the model answered request {} of this run with an empty message; it is not stored", iterations);
          } else {
            working.add(answer);
          }
          return result(Status.COMPLETED, List.of());
        }
        if (calls + asked.size() > config.maxCallsPerRequest()) {
          LOG.warn("the model asked for {} more calls; {} of at most {} already made: the run ends", asked.size(),
              calls, config.maxCallsPerRequest());
          appendTurn(answer, notRun(asked, "the limit of " + config.maxCallsPerRequest()
              + " tool calls per request is reached"));
          return result(Status.CALL_LIMIT, List.of());
        }
        if (iterations >= config.maxIterations()) {
          LOG.warn("the model still asks for tools after {} iterations: the run ends", iterations);
          appendTurn(answer, notRun(asked, "the limit of " + config.maxIterations()
              + " model requests per run is reached"));
          return result(Status.ITERATION_LIMIT, List.of());
        }
        calls += asked.size();
        List<ApprovalRequest> pending = executeTurn(answer, asked);
        if (!pending.isEmpty()) {
          return result(Status.AWAITING, pending);
        }
        if (returnedDirect) {
          LOG.debug("every call of iteration {} ran a tool that returns directly: the run ends", iterations);
          return result(Status.RETURNED_DIRECT, List.of());
        }
        if (errorStreak >= config.maxConsecutiveErrors()) {
          LOG.warn("every tool call failed in {} iterations in a row: the run ends", errorStreak);
          return result(Status.ERROR_LIMIT, List.of());
        }
      }
    }

    private List<Message> added() {
      return working.subList(Math.min(addedFrom, working.size()), working.size());
    }

    private LoopResult result(Status status, List<ApprovalRequest> pending) {
      return new LoopResult(status, working, added(), pending, repairs, failures, iterations);
    }

    private void applyHistoryPolicy() {
      if (config.historyPolicy() == LoopConfig.HistoryPolicy.REJECT) {
        List<Violation> violations = dialect == null ? guard.check(working) : guard.check(working, dialect);
        if (!violations.isEmpty()) {
          listener.onViolations(run, violations);
          throw new InvalidHistoryException(violations);
        }
        return;
      }
      RepairResult repair = dialect == null ? guard.repair(working) : guard.repair(working, dialect);
      if (repair.changed()) {
        // the violations are looked for only in a history that needed repair (most need none)
        List<Violation> violations = dialect == null ? guard.check(working) : guard.check(working, dialect);
        if (!violations.isEmpty()) {
          listener.onViolations(run, violations);
        }
        listener.onRepair(run, repair);
        repairs.addAll(repair.actions());
        working.clear();
        working.addAll(repair.history());
        addedFrom = working.size();
      }
    }

    /**
     * The model's message with an empty or already used call id, or one the dialect does not take,
     * replaced by a fresh one in the dialect's id rule ({@link CallIds#random}).
     */
    private Message withFreshIds(Message answer) {
      List<Content> contents = null;
      for (int p = 0; p < answer.contents().size(); p++) {
        if (answer.contents().get(p) instanceof ToolCall call && !call.informational()
            && (call.callId().isEmpty() || (dialect != null && !CallIds.accepts(dialect, call.callId()))
                || !usedIds.add(call.callId()))) {
          String fresh = freshId();
          LOG.warn("the model gave call {} of tool '{}' an id that is empty, used before or not in the dialect's rule; it is now {}",
              call.callId(), call.name(), fresh);
          if (contents == null) {
            contents = new ArrayList<>(answer.contents());
          }
          contents.set(p, call.withCallId(fresh).withMetadata(Metadata.ORIGINAL_CALL_ID, call.callId()));
        }
      }
      return contents == null ? answer : answer.withContents(contents);
    }

    /** A random id: model ids repeat across conversations, so a fresh one must not (see {@link Ids#callId}). */
    private String freshId() {
      while (true) {
        String id = CallIds.random(dialect);
        if (usedIds.add(id)) {
          return id;
        }
      }
    }

    private void appendTurn(Message assistant, List<ToolResult> results) {
      working.add(assistant);
      if (!results.isEmpty()) {
        working.add(new Message(Role.TOOL, new ArrayList<Content>(results), Map.of()));
      }
    }

    private List<ToolResult> notRun(List<ToolCall> asked, String why) {
      List<ToolResult> results = new ArrayList<>(asked.size());
      for (ToolCall call : asked) {
        results.add(ToolRunner.synthetic(call, "Tool '" + call.name() + "' was not run: " + why + "."));
      }
      return results;
    }

    /**
     * Runs the calls of one answer. Calls that must wait become approval requests in the stored
     * message; the others get their results right after it. Returns the waiting requests.
     */
    private List<ApprovalRequest> executeTurn(Message answer, List<ToolCall> asked) {
      Map<ToolCall, String> waiting = new LinkedHashMap<>();
      Map<Integer, ToolResult> results = new HashMap<>();
      List<ToolRunner.Job> jobs = new ArrayList<>();
      for (int i = 0; i < asked.size(); i++) {
        ToolCall call = asked.get(i);
        String kind = classify(call);
        if (kind != null) {
          waiting.put(call, kind);
          continue;
        }
        LoopTool tool = tools.find(call.name());
        if (tool == null) {
          results.put(i, ToolRunner.synthetic(call, unknownToolText(call)));
          continue;
        }
        ToolResult invalid = invalidArguments(call);
        if (invalid != null) {
          results.put(i, invalid);
          continue;
        }
        jobs.add(new ToolRunner.Job(i, call, tool));
      }
      if (!waiting.isEmpty() && !config.runOthersWhileAwaitingApproval()) {
        for (ToolRunner.Job job : jobs) {
          waiting.put(job.call(), Metadata.PENDING_DEFERRED);
        }
        jobs.clear();
      }
      boolean direct = !jobs.isEmpty() && jobs.size() == asked.size();
      for (int k = 0; direct && k < jobs.size(); k++) {
        direct = jobs.get(k).tool().returnDirect();
      }
      ToolRunner.Outcome outcome = runner.run(run, jobs);
      if (!outcome.results().isEmpty()) {
        results.putAll(outcome.results());
      }
      if (!outcome.failures().isEmpty()) {
        failures.putAll(outcome.failures());
      }

      List<Content> stored = new ArrayList<>(answer.contents().size());
      List<ApprovalRequest> pending = new ArrayList<>();
      for (Content c : answer.contents()) {
        if (c instanceof ToolCall call && waiting.containsKey(call)) {
          ApprovalRequest request = request(call, waiting.get(call));
          stored.add(request);
          pending.add(request);
        } else {
          stored.add(c);
        }
      }
      List<ToolResult> block = new ArrayList<>();
      int errors = 0;
      for (int i = 0; i < asked.size(); i++) {
        ToolResult r = results.get(i);
        if (r != null) {
          block.add(r);
          errors += r.error() ? 1 : 0;
        }
      }
      appendTurn(pending.isEmpty() ? answer : answer.withContents(stored), block);
      errorStreak = !block.isEmpty() && errors == block.size() ? errorStreak + 1 : 0;
      for (ApprovalRequest request : pending) {
        if (!Metadata.PENDING_DEFERRED.equals(request.metadata().get(Metadata.PENDING))) {
          listener.onApprovalRequested(run, request);
        }
      }
      if (outcome.interrupted()) {
        Thread.currentThread().interrupt();
        throw new LoopException("the run was interrupted while tools ran; every unfinished call got an error"
            + " result and the history it carries is balanced", new InterruptedException("interrupted"),
            working, added());
      }
      returnedDirect = direct;
      return pending;
    }

    /** Why {@code call} must wait (a {@link Metadata#PENDING} value), or null when it may run now. */
    private @Nullable String classify(ToolCall call) {
      if (clientTools.containsKey(call.name())) {
        return Metadata.PENDING_CLIENT;
      }
      if (tools.find(call.name()) == null) {
        return config.unknownToolPolicy() == LoopConfig.UnknownToolPolicy.END_LOOP
            ? Metadata.PENDING_UNKNOWN_TOOL : null;
      }
      if (rules.approves(call)) {
        return null;
      }
      if (config.approvalRequired().contains(call.name())) {
        return Metadata.PENDING_APPROVAL;
      }
      try {
        return approvalPredicate.test(call) ? Metadata.PENDING_APPROVAL : null;
      } catch (RuntimeException e) {
        LOG.warn("the approval predicate failed on call {} ({}): {}; asking for approval", call.callId(),
            call.name(), e.getClass().getSimpleName());
        return Metadata.PENDING_APPROVAL;
      }
    }

    private String unknownToolText(ToolCall call) {
      List<String> names = new ArrayList<>();
      for (ToolSpec spec : advertised) {
        names.add(spec.name());
      }
      return "There is no tool named '" + call.name() + "'. Call one of: "
          + (names.isEmpty() ? "(none)" : String.join(", ", names)) + ".";
    }

    private @Nullable ToolResult invalidArguments(ToolCall call) {
      String args = call.argumentsJson();
      if (args.length() > config.maxArgumentsLength()) {
        return ToolRunner.synthetic(call, "The arguments of this call are " + args.length()
            + " characters long; the limit is " + config.maxArgumentsLength() + ". Call the tool with shorter"
            + " arguments.");
      }
      if (!Json.isObject(args) && Json.tooDeep(args)) {
        return ToolRunner.synthetic(call, "The arguments of this call nest objects and arrays deeper than "
            + Json.MAX_DEPTH + " levels, more than toolguard reads. Call '" + call.name() + "' again with flatter"
            + " arguments.");
      }
      if (!Json.isObject(args)) {
        return ToolRunner.synthetic(call, "The arguments of this call are not a JSON object. Call '"
            + call.name() + "' again with arguments that are a JSON object matching its schema.");
      }
      return null;
    }

    private ApprovalRequest request(ToolCall call, String kind) {
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put(Metadata.PENDING, kind);
      String nonce = Ids.nonce();
      java.time.Instant issued = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
      java.time.Instant expires = issued.plus(config.approvalTtl());
      meta.put(Metadata.NONCE, nonce);
      meta.put(Metadata.ISSUED_AT, issued.toString());
      meta.put(Metadata.EXPIRES_AT, expires.toString());
      if (conversationKey != null) {
        meta.put(Metadata.CONVERSATION, conversation());
      }
      if (signer != null) {
        meta.put(Metadata.SIGNATURE, signer.sign(new ApprovalSigner.Subject(conversation(), call.asInvocable(), nonce,
            issued, expires)));
      }
      return new ApprovalRequest(call.callId(), call, meta);
    }

    // ---------------------------------------------------------------- resuming

    /** A waiting request and where it stands. */
    private record Waiting(int message, int position, ApprovalRequest request) {
      String kind() {
        Object k = request.metadata().get(Metadata.PENDING);
        return k == null ? Metadata.PENDING_APPROVAL : k.toString();
      }
    }

    /** An answer to a waiting call: an approval response or a tool result, and where it stands. */
    private record Answer(int message, int position, String callId, @Nullable ApprovalResponse response,
        @Nullable ToolResult result) {}

    /**
     * Applies the answers in the history to the calls that wait, runs what they allow, and returns
     * the requests that still wait with nobody having moved on. Refuses every answer before anything
     * runs if one is wrong.
     */
    private List<ApprovalRequest> resume() {
      Map<String, Waiting> waiting = new LinkedHashMap<>();
      for (int i = 0; i < working.size(); i++) {
        List<Content> contents = working.get(i).contents();
        for (int p = 0; p < contents.size(); p++) {
          if (contents.get(p) instanceof ApprovalRequest r) {
            waiting.putIfAbsent(r.callId(), new Waiting(i, p, r));
          }
        }
      }
      List<Answer> answers = answers(waiting);
      if (waiting.isEmpty() && answers.isEmpty()) {
        return List.of();
      }
      validate(waiting, answers);

      Map<String, Answer> byId = new HashMap<>();
      for (Answer a : answers) {
        byId.put(a.callId(), a);
      }
      // the calls to run or answer, per assistant message, in history order
      Map<Integer, List<Waiting>> byMessage = new LinkedHashMap<>();
      for (Waiting w : waiting.values()) {
        byMessage.computeIfAbsent(w.message(), k -> new ArrayList<>()).add(w);
      }
      int lastAssistant = lastIndexOf(Role.ASSISTANT);
      int newUserMessage = newUserMessageAfter(byMessage.isEmpty() ? -1 : lastWaitingMessage(byMessage), byId);
      Map<Integer, Map<String, ToolResult>> decided = new LinkedHashMap<>();
      Map<Integer, Map<String, ToolCall>> edits = new HashMap<>();
      List<ToolRunner.Job> jobs = new ArrayList<>();
      List<ToolCall> jobCalls = new ArrayList<>();
      List<Integer> jobMessages = new ArrayList<>();
      List<String> unanswered = new ArrayList<>();
      // how each answered call was settled, for the listener (told once the claims are taken)
      Map<String, LoopListener.ApprovalOutcome> outcomes = new LinkedHashMap<>();
      // the last turn returns directly when every call of it runs (or ran) a tool that returns directly
      boolean direct = byMessage.containsKey(lastAssistant) && allCallsReturnDirect(working.get(lastAssistant));
      for (var entry : byMessage.entrySet()) {
        int message = entry.getKey();
        List<Waiting> ws = entry.getValue();
        boolean othersOpen = false;
        for (Waiting w : ws) {
          if (!Metadata.PENDING_DEFERRED.equals(w.kind()) && !byId.containsKey(w.request().callId())) {
            othersOpen = true;
          }
        }
        boolean movedOn = newUserMessage > message;
        for (Waiting w : ws) {
          ToolCall call = w.request().call().asInvocable();
          Answer a = byId.get(call.callId());
          ToolResult result = null;
          ToolCall runAs = null;
          if (a != null && a.result() != null) {
            result = a.result().withCallId(call.callId());
            outcomes.put(call.callId(), LoopListener.ApprovalOutcome.RESULT_GIVEN);
          } else if (a != null) {
            Decision d = a.response().decision();
            if (d instanceof Decision.Approve) {
              runAs = call;
              outcomes.put(call.callId(), LoopListener.ApprovalOutcome.APPROVED);
            } else if (d instanceof Decision.ApproveEdited edited) {
              runAs = call.withArguments(edited.argumentsJson());
              edits.computeIfAbsent(message, k -> new HashMap<>()).put(call.callId(), runAs);
              outcomes.put(call.callId(), LoopListener.ApprovalOutcome.APPROVED_EDITED);
            } else if (d instanceof Decision.Reject reject) {
              result = ToolRunner.synthetic(call, config.rejectionText().replace("{reason}",
                  reject.reason() == null || reject.reason().isBlank() ? "none given" : reject.reason()));
              outcomes.put(call.callId(), LoopListener.ApprovalOutcome.REJECTED);
            } else {
              result = ToolResult.of(call.callId(), call.name(), ((Decision.Respond) d).output());
              outcomes.put(call.callId(), LoopListener.ApprovalOutcome.RESPONDED);
            }
          } else if (Metadata.PENDING_DEFERRED.equals(w.kind()) && !othersOpen && !movedOn) {
            runAs = call;
          } else if (movedOn) {
            if (config.pendingPolicy() == LoopConfig.PendingPolicy.FAIL) {
              unanswered.add(call.callId());
              continue;
            }
            result = ToolRunner.synthetic(call, config.notAnsweredText());
            outcomes.put(call.callId(), LoopListener.ApprovalOutcome.NOT_ANSWERED);
          } else {
            direct &= message != lastAssistant;
            continue; // still waits
          }
          if (runAs != null) {
            LoopTool tool = tools.find(runAs.name());
            ToolResult invalid = tool == null ? ToolRunner.synthetic(runAs, unknownToolText(runAs))
                : invalidArguments(runAs);
            if (invalid != null) {
              result = invalid;
            } else {
              direct &= message != lastAssistant || tool.returnDirect();
              jobs.add(new ToolRunner.Job(jobs.size(), runAs, tool));
              jobCalls.add(runAs);
              jobMessages.add(message);
              continue;
            }
          }
          direct &= message != lastAssistant;
          decided.computeIfAbsent(message, k -> new LinkedHashMap<>()).put(call.callId(), result);
        }
      }
      if (!unanswered.isEmpty()) {
        throw new ApprovalException(Reason.UNANSWERED, unanswered.get(0), "call" + (unanswered.size() > 1 ? "s " : " ")
            + String.join(", ", unanswered) + " still wait" + (unanswered.size() > 1 ? "" : "s")
            + " for an answer and a new user message came (rule: pending calls must be answered first, by"
            + " PendingPolicy.FAIL); answer them with ApprovalResponses before going on");
      }
      // every call this resume settles is claimed first, before anything runs: a call settled before
      // (by a double click, a retry, another instance, a stale copy) keeps the result it got then
      Claims claims = new Claims();
      List<ToolRunner.Job> toRun = new ArrayList<>(jobs.size());
      List<ToolCall> runCalls = new ArrayList<>(jobs.size());
      List<Integer> runMessages = new ArrayList<>(jobs.size());
      try {
        for (Map<String, ToolResult> perMessage : decided.values()) {
          for (Map.Entry<String, ToolResult> e : perMessage.entrySet()) {
            ToolResult recorded = claims.take(waiting.get(e.getKey()).request(), null);
            if (recorded != null) {
              e.setValue(recorded.withCallId(e.getKey()));
              outcomes.remove(e.getKey()); // settled before, by another run: that run told its listener
            }
          }
        }
        for (int k = 0; k < jobs.size(); k++) {
          ToolCall call = jobCalls.get(k);
          ToolResult recorded = claims.take(waiting.get(call.callId()).request(), jobs.get(k).tool());
          if (recorded != null) {
            outcomes.remove(call.callId());
            decided.computeIfAbsent(jobMessages.get(k), x -> new LinkedHashMap<>())
                .put(call.callId(), recorded.withCallId(call.callId()));
          } else {
            toRun.add(new ToolRunner.Job(toRun.size(), call, jobs.get(k).tool()));
            runCalls.add(call);
            runMessages.add(jobMessages.get(k));
          }
        }
      } catch (RuntimeException e) {
        claims.releaseAll();
        throw e;
      }
      for (Map.Entry<String, LoopListener.ApprovalOutcome> e : outcomes.entrySet()) {
        listener.onApprovalDecided(run, waiting.get(e.getKey()).request(), e.getValue());
      }
      for (Map<String, ToolResult> perMessage : decided.values()) {
        for (Map.Entry<String, ToolResult> e : perMessage.entrySet()) {
          claims.complete(e.getKey(), e.getValue());
        }
      }
      if (!toRun.isEmpty()) {
        ToolRunner.Outcome outcome = runner.run(run, toRun);
        failures.putAll(outcome.failures());
        for (int k = 0; k < toRun.size(); k++) {
          ToolResult r = outcome.results().get(k);
          claims.complete(runCalls.get(k).callId(), r);
          decided.computeIfAbsent(runMessages.get(k), x -> new LinkedHashMap<>()).put(runCalls.get(k).callId(), r);
        }
        if (outcome.interrupted()) {
          apply(decided, edits, byId);
          Thread.currentThread().interrupt();
          throw new LoopException("the resume was interrupted while tools ran; every unfinished call got an"
              + " error result and the history it carries is balanced", new InterruptedException("interrupted"),
              working, added());
        }
      }
      apply(decided, edits, byId);
      addedFrom = Math.min(addedFrom, lastAssistant + 1);
      List<ApprovalRequest> still = FunctionInvokingLoop.waiting(working);
      returnedDirect = direct && still.isEmpty();
      return still;
    }

    /**
     * True when every call of {@code assistant}, waiting or not, names a tool that returns directly
     * (the calls answered in this resume must also run; see {@link #resume()}).
     */
    private boolean allCallsReturnDirect(Message assistant) {
      boolean any = false;
      for (Content c : assistant.contents()) {
        ToolCall call = c instanceof ApprovalRequest r ? r.call() : c instanceof ToolCall t ? t : null;
        if (call == null || (c instanceof ToolCall t && t.informational())) {
          continue;
        }
        LoopTool tool = tools.find(call.name());
        if (tool == null || !tool.returnDirect()) {
          return false;
        }
        any = true;
      }
      return any;
    }

    private int lastIndexOf(Role role) {
      for (int i = working.size() - 1; i >= 0; i--) {
        if (working.get(i).role() == role) {
          return i;
        }
      }
      return -1;
    }

    private int lastWaitingMessage(Map<Integer, List<Waiting>> byMessage) {
      int last = -1;
      for (int m : byMessage.keySet()) {
        last = Math.max(last, m);
      }
      return last;
    }

    /**
     * The index of the first user message after {@code after} that says something besides approval
     * responses, or -1.
     */
    private int newUserMessageAfter(int after, Map<String, Answer> answers) {
      if (after < 0) {
        return -1;
      }
      for (int i = after + 1; i < working.size(); i++) {
        Message m = working.get(i);
        if (m.role() != Role.USER) {
          continue;
        }
        for (Content c : m.contents()) {
          if (!(c instanceof ApprovalResponse)) {
            return i;
          }
        }
      }
      return -1;
    }

    /** Every approval response, and every tool result answering a waiting call, in the history. */
    private List<Answer> answers(Map<String, Waiting> waiting) {
      List<Answer> answers = new ArrayList<>();
      for (int i = 0; i < working.size(); i++) {
        Message m = working.get(i);
        List<Content> contents = m.contents();
        for (int p = 0; p < contents.size(); p++) {
          Content c = contents.get(p);
          if (c instanceof ApprovalResponse r) {
            answers.add(new Answer(i, p, r.callId(), r, null));
          } else if (c instanceof ToolResult r && waiting.containsKey(r.callId())
              && waiting.get(r.callId()).message() < i) {
            answers.add(new Answer(i, p, r.callId(), null, r));
          }
        }
      }
      return answers;
    }

    private void validate(Map<String, Waiting> waiting, List<Answer> answers) {
      Set<String> seen = new HashSet<>();
      Set<String> answeredCalls = null;
      for (Answer a : answers) {
        String id = a.callId();
        Waiting w = waiting.get(id);
        if (w == null || w.message() > a.message()) {
          if (answeredCalls == null) {
            answeredCalls = callIdsOfRealCalls();
          }
          throw answeredCalls.contains(id)
              ? new ApprovalException(Reason.ALREADY_ANSWERED, id, "call " + id + " was already answered; an"
                  + " approval response is used once (rule: no replayed responses). Drop the response.")
              : new ApprovalException(Reason.UNKNOWN_CALL, id, "no call with id " + id + " waits for approval"
                  + " in the history (rule: a response matches a waiting call by callId). Answer one of: "
                  + String.join(", ", waiting.keySet()));
        }
        if (!seen.add(id)) {
          throw new ApprovalException(Reason.ALREADY_ANSWERED, id, "call " + id + " is answered twice in this"
              + " resume (rule: one answer per call). Keep one answer.");
        }
        ApprovalRequest request = w.request();
        Object requestConversation = request.metadata().get(Metadata.CONVERSATION);
        if (requestConversation != null && !conversation().equals(requestConversation.toString())) {
          throw new ApprovalException(Reason.FOREIGN_CONVERSATION, id, "call " + id + " waits in another"
              + " conversation than this run's " + (conversationKey == null ? "(a run without a conversation key)"
              : "'" + conversationKey + "'") + " (rule: a waiting call and its answers belong to one conversation);"
              + " resume it with the key of the conversation that stored it");
        }
        ApprovalSigner.Subject subject = signer == null ? null : subject(request);
        if (signer != null) {
          Object requestSignature = request.metadata().get(Metadata.SIGNATURE);
          if (subject == null || !(requestSignature instanceof String s) || !signer.verify(subject, s)) {
            throw new ApprovalException(Reason.FORGED, id, "the approval request for call " + id + " in the"
                + " history is not signed by this application (rule: signed approvals); it was changed or"
                + " made up outside the loop");
          }
        }
        if (a.response() != null) {
          ApprovalResponse r = a.response();
          if (!r.call().name().equals(request.call().name())
              || !Json.sameValue(r.call().argumentsJson(), request.call().argumentsJson())) {
            throw new ApprovalException(Reason.MISMATCH, id, "the response for call " + id + " names tool '"
                + r.call().name() + "' with other arguments than the waiting call of tool '"
                + request.call().name() + "' (rule: a response must carry the call it answers). Build it with"
                + " ApprovalResponse.approve(request) from the request in the history.");
          }
          if (signer != null) {
            Object signature = r.metadata().get(Metadata.SIGNATURE);
            if (!(signature instanceof String s)) {
              throw new ApprovalException(Reason.UNSIGNED, id, "the response for call " + id + " carries no"
                  + " signature (rule: signed approvals). Build it from the request in the history, whose"
                  + " signature it must copy.");
            }
            if (!signer.verify(subject, s)) {
              throw new ApprovalException(Reason.FORGED, id, "the signature of the response for call " + id
                  + " does not match the call (rule: signed approvals); the response was forged or changed");
            }
          }
          String kind = w.kind();
          boolean approves = r.decision() instanceof Decision.Approve
              || r.decision() instanceof Decision.ApproveEdited;
          java.time.Instant expires = instant(request, Metadata.EXPIRES_AT);
          if (approves && expires != null && clock.instant().isAfter(expires)) {
            throw new ApprovalException(Reason.EXPIRED, id, "the approval request for call " + id + " of tool '"
                + request.call().name() + "' expired at " + expires + " (rule: an approval request may be approved"
                + " within LoopConfig.approvalTtl, here " + config.approvalTtl() + "); reject it or let the user go"
                + " on, and the model may ask again");
          }
          if (approves && (Metadata.PENDING_CLIENT.equals(kind) || Metadata.PENDING_UNKNOWN_TOOL.equals(kind))) {
            throw new ApprovalException(Reason.WRONG_KIND, id, "call " + id + " of tool '" + request.call().name()
                + "' waits for the application to run it (" + kind + "), not for approval; answer it with its"
                + " output: ApprovalResponse.respondWith(request, output) or a ToolResult");
          }
        } else if (signer != null && Metadata.PENDING_APPROVAL.equals(w.kind())) {
          throw new ApprovalException(Reason.UNSIGNED, id, "call " + id + " waits for approval and was answered"
              + " with a bare tool result (rule: signed approvals); answer it with an ApprovalResponse");
        }
      }
    }

    /** The claims this run holds in the journal, by call id. */
    private final class Claims {
      private final Map<String, CallKey> acquired = new LinkedHashMap<>();

      /**
       * Claims the waiting call of {@code request}: null when this run holds it now (it runs it, or
       * records its decided result), or the result to use instead: the one recorded before, or
       * "outcome unknown" for a call whose holder died, unless {@code runs} is an idempotent tool.
       */
      @Nullable ToolResult take(ApprovalRequest request, @Nullable LoopTool runs) {
        ToolCall call = request.call().asInvocable();
        Object n = request.metadata().get(Metadata.NONCE);
        String nonce = n == null ? "" : n.toString();
        if (conversationKey == null && nonce.isEmpty()) {
          // a request from before nonces, in a run without a key: nothing tells its conversation
          return null;
        }
        CallKey key;
        try {
          key = new CallKey(conversation(), call.callId(), nonce, call.name(), CallKey.fingerprint(call));
        } catch (dev.toolguard.core.InvalidMessageException e) {
          LOG.warn("call {} cannot be claimed in the journal ({}); it is settled without a claim",
              shortId(call.callId()), e.getMessage());
          return null;
        }
        long deadline = System.nanoTime() + config.claimWait().toNanos();
        long backoffMillis = 2;
        while (true) {
          java.time.Instant now = clock.instant();
          Claim claim = journalStep(call, "claiming", () -> journal.claim(key, holder, now, config.claimLease()));
          if (claim instanceof Claim.Acquired) {
            acquired.put(call.callId(), key);
            return null;
          }
          if (claim instanceof Claim.Done done) {
            LOG.debug("call {} ({}) was settled before; its recorded result is reused", call.callId(), call.name());
            return done.result();
          }
          if (claim instanceof Claim.Conflict) {
            throw new ApprovalException(Reason.MISMATCH, call.callId(), "the journal holds call " + call.callId()
                + " of this conversation with another tool or other arguments than the waiting call of tool '"
                + call.name() + "' (rule: a waiting call is not changed after the loop stored it); nothing ran."
                + " Resume with the history as the loop stored it.");
          }
          if (claim instanceof Claim.Expired expired) {
            boolean won = journalStep(call, "taking over",
                () -> journal.takeOver(key, expired.holder(), holder, now, config.claimLease()));
            if (!won) {
              continue; // another run took it over or completed it first: look again
            }
            acquired.put(call.callId(), key);
            if (runs != null && runs.idempotent()) {
              LOG.warn("call {} ({}) was claimed by a run that stopped before it finished (lease ended {}); the"
                  + " tool is idempotent, so it runs again", call.callId(), call.name(), expired.leaseUntil());
              return null;
            }
            LOG.warn("call {} ({}) was claimed by a run that stopped before it finished (lease ended {}); its"
                + " outcome is unknown and it is answered so", call.callId(), call.name(), expired.leaseUntil());
            ToolResult unknown = ToolRunner.synthetic(call, config.outcomeUnknownText().replace("{tool}", call.name()));
            complete(call.callId(), unknown);
            return unknown;
          }
          Claim.Held held = (Claim.Held) claim;
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw new CallInProgressException(conversationKey == null ? CallKey.NO_CONVERSATION : conversationKey,
                call.callId(), held.leaseUntil(), "call " + call.callId() + " of tool '" + call.name() + "' in "
                + (conversationKey == null ? "this history" : "conversation '" + conversationKey + "'")
                + " is being settled by another run (its claim lasts until " + held.leaseUntil() + "); this run"
                + " waited " + config.claimWait() + " (LoopConfig.claimWait) and ran nothing (rule: a call runs"
                + " once). Reload the conversation: the other run stores its result.");
          }
          try {
            Thread.sleep(Math.max(1, Math.min(backoffMillis, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(left))));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LoopException("the run was interrupted while it waited for call " + call.callId()
                + ", which another run holds; nothing ran and the history it carries is the one handed in", e,
                working, added());
          }
          backoffMillis = Math.min(backoffMillis * 2, 100);
        }
      }

      /** Records {@code result} for the call this run claimed (if it did); a failure is logged, not thrown. */
      void complete(String callId, ToolResult result) {
        CallKey key = acquired.remove(callId);
        if (key == null) {
          return;
        }
        try {
          if (!journal.complete(key, holder, result, clock.instant())) {
            LOG.warn("the claim of call {} ended and another run took it over before its result was recorded;"
                + " the result stands in this history only", callId);
          }
        } catch (RuntimeException e) {
          LOG.warn("the call journal failed to record the result of call {} ({}); the result stands in the"
              + " history, and a stale copy resumed after the lease ends gets 'outcome unknown'", callId,
              e.getClass().getSimpleName());
        }
      }

      /** Gives back every claim not completed (nothing ran for them). */
      void releaseAll() {
        for (Map.Entry<String, CallKey> e : acquired.entrySet()) {
          try {
            journal.release(e.getValue(), holder);
          } catch (RuntimeException ex) {
            LOG.warn("the call journal failed to release the claim of call {} ({}); it is free again when its"
                + " lease ends", e.getKey(), ex.getClass().getSimpleName());
          }
        }
        acquired.clear();
      }

      private <T> T journalStep(ToolCall call, String what, java.util.function.Supplier<T> step) {
        try {
          return step.get();
        } catch (CallJournalException e) {
          // the journal names the conversation by its digest only: say which conversation this is
          throw new CallJournalException(call.callId(), (conversationKey == null ? "a run without a conversation key"
              : "conversation '" + conversationKey + "'") + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
          throw new CallJournalException(call.callId(), "the call journal failed while " + what + " call "
              + call.callId() + " of tool '" + call.name() + "' in "
              + (conversationKey == null ? "a run without a conversation key" : "conversation '" + conversationKey + "'")
              + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
              + ". Nothing ran and the history is unchanged: store nothing, fix the journal and resume again.", e);
        }
      }
    }

    private static String shortId(String id) {
      return id.length() <= 64 ? id : id.substring(0, 64) + "…";
    }

    /** What the request's signature covers, or null when it lacks a part (it was not made by this loop). */
    private ApprovalSigner.@Nullable Subject subject(ApprovalRequest request) {
      Object nonce = request.metadata().get(Metadata.NONCE);
      java.time.Instant issued = instant(request, Metadata.ISSUED_AT);
      java.time.Instant expires = instant(request, Metadata.EXPIRES_AT);
      if (!(nonce instanceof String n) || issued == null || expires == null) {
        return null;
      }
      Object c = request.metadata().get(Metadata.CONVERSATION);
      return new ApprovalSigner.Subject(c == null ? CallKey.NO_CONVERSATION : c.toString(),
          request.call().asInvocable(), n, issued, expires);
    }

    private java.time.@Nullable Instant instant(ApprovalRequest request, String key) {
      Object v = request.metadata().get(key);
      if (v == null) {
        return null;
      }
      try {
        return java.time.Instant.parse(v.toString());
      } catch (java.time.format.DateTimeParseException e) {
        return null;
      }
    }

    private Set<String> callIdsOfRealCalls() {
      Set<String> ids = new HashSet<>();
      for (Message m : working) {
        for (ToolCall c : m.toolCalls()) {
          ids.add(c.callId());
        }
      }
      return ids;
    }

    /**
     * Writes the decided results into the history: each request becomes its call again, its result
     * goes to the end of the block right after its message, and the answers leave their messages.
     */
    private void apply(Map<Integer, Map<String, ToolResult>> decided, Map<Integer, Map<String, ToolCall>> edits,
        Map<String, Answer> answers) {
      Set<Long> consumed = new HashSet<>();
      for (Answer a : answers.values()) {
        boolean decidedNow = false;
        for (Map<String, ToolResult> m : decided.values()) {
          decidedNow |= m.containsKey(a.callId());
        }
        if (decidedNow) {
          consumed.add(((long) a.message() << 32) | a.position());
        }
      }
      List<Message> out = new ArrayList<>(working.size() + decided.size());
      for (int i = 0; i < working.size(); i++) {
        Message m = working.get(i);
        Map<String, ToolResult> results = decided.get(i);
        if (results != null) {
          Map<String, ToolCall> edited = edits.getOrDefault(i, Map.of());
          List<Content> contents = new ArrayList<>(m.contents().size());
          for (Content c : m.contents()) {
            if (c instanceof ApprovalRequest r && results.containsKey(r.callId())) {
              ToolCall call = edited.getOrDefault(r.callId(), r.call().asInvocable());
              contents.add(call);
            } else {
              contents.add(c);
            }
          }
          out.add(m.withContents(contents));
          int j = i + 1;
          while (j < working.size() && working.get(j).role() == Role.TOOL) {
            Message block = keepUnconsumed(working.get(j), j, consumed);
            if (block != null) {
              out.add(block);
            }
            j++;
          }
          out.add(new Message(Role.TOOL, new ArrayList<>(results.values()), Map.of()));
          i = j - 1;
          continue;
        }
        Message kept = keepUnconsumed(m, i, consumed);
        if (kept != null) {
          out.add(kept);
        }
      }
      working.clear();
      working.addAll(out);
    }

    private @Nullable Message keepUnconsumed(Message m, int i, Set<Long> consumed) {
      if (consumed.isEmpty()) {
        return m;
      }
      List<Content> kept = new ArrayList<>(m.contents().size());
      for (int p = 0; p < m.contents().size(); p++) {
        if (!consumed.contains(((long) i << 32) | p)) {
          kept.add(m.contents().get(p));
        }
      }
      if (kept.size() == m.contents().size()) {
        return m;
      }
      return kept.isEmpty() ? null : m.withContents(kept);
    }
  }
}
