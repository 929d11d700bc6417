package dev.toolguard.core.internal;

import dev.toolguard.core.Metadata;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopListener;
import dev.toolguard.core.loop.LoopRun;
import dev.toolguard.core.loop.LoopTool;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs one batch of tool calls: at most {@code maxConcurrency} at once, a sequential tool alone,
 * each under the call timeout. Results come back in call order. If the waiting thread is
 * interrupted, every call not finished is cancelled and answered with an error result.
 */
final class ToolRunner {

  private static final Logger LOG = LoggerFactory.getLogger("dev.toolguard.loop");

  /** A call to run and the tool that runs it. */
  record Job(int index, ToolCall call, LoopTool tool) {}

  /** The outcome of a batch: a result per job index, and the failures. */
  record Outcome(Map<Integer, ToolResult> results, Map<String, Throwable> failures, boolean interrupted) {}

  private final ExecutorService executor;
  private final LoopConfig config;
  private final LoopListener listener;
  ToolRunner(ExecutorService executor, LoopConfig config, LoopListener listener) {
    this.executor = executor;
    this.config = config;
    this.listener = listener;
  }

  private record Done(Job job, ToolResult result, @Nullable Throwable failure) {}

  private static final class Running {
    final Job job;
    final long deadline;
    final long started;

    Running(Job job, long started, long deadline) {
      this.job = job;
      this.started = started;
      this.deadline = deadline;
    }
  }

  Outcome run(LoopRun run, List<Job> jobs) {
    Map<Integer, ToolResult> results = new HashMap<>();
    Map<String, Throwable> failures = new HashMap<>();
    Deque<Job> queue = new ArrayDeque<>();
    queue.addAll(jobs);
    if (queue.size() == 1 && config.inlineSingleCalls()) {
      return runInline(run, queue.poll(), results, failures);
    }
    ExecutorCompletionService<Done> completion = new ExecutorCompletionService<>(executor);
    Map<Future<Done>, Running> running = new HashMap<>();
    long timeout = config.callTimeout().toNanos();
    boolean sequentialRunning = false;
    try {
      while (!queue.isEmpty() || !running.isEmpty()) {
        while (!queue.isEmpty() && !sequentialRunning && running.size() < config.maxConcurrency()) {
          boolean sequential = config.sequentialTools().contains(queue.peek().call().name());
          if (sequential && !running.isEmpty()) {
            break;
          }
          Job job = queue.poll();
          long now = System.nanoTime();
          running.put(completion.submit(() -> invokeOnPool(run, job)), new Running(job, now, now + timeout));
          sequentialRunning = sequential;
        }
        long nearest = Long.MAX_VALUE;
        for (Running r : running.values()) {
          nearest = Math.min(nearest, r.deadline);
        }
        Future<Done> done = completion.poll(Math.max(0, nearest - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (done != null) {
          if (running.remove(done) == null) {
            continue; // timed out and answered already
          }
          Done d = get(done);
          results.put(d.job().index(), d.result());
          if (d.failure() != null) {
            failures.put(d.job().call().callId(), d.failure());
          }
        } else {
          long now = System.nanoTime();
          for (var it = running.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (e.getValue().deadline <= now) {
              e.getKey().cancel(true);
              it.remove();
              Job job = e.getValue().job;
              LOG.warn("tool call {} ({}) timed out after {} and was interrupted", job.call().callId(),
                  job.call().name(), config.callTimeout());
              ToolResult r = synthetic(job.call(), timeoutText(job.call()));
              results.put(job.index(), r);
              failures.put(job.call().callId(), new java.util.concurrent.TimeoutException(
                  "tool call " + job.call().callId() + " timed out after " + config.callTimeout()));
              listener.onToolFinished(run, job.call(), r, null, Duration.ofNanos(now - e.getValue().started));
            }
          }
        }
        if (sequentialRunning && running.isEmpty()) {
          sequentialRunning = false;
        }
      }
      return new Outcome(results, failures, false);
    } catch (InterruptedException e) {
      for (var entry : running.entrySet()) {
        entry.getKey().cancel(true);
        Job job = entry.getValue().job;
        results.put(job.index(), cancelled(job.call()));
      }
      for (Job job : queue) {
        results.put(job.index(), cancelled(job.call()));
      }
      LOG.warn("tool calls were cancelled: the loop's thread was interrupted");
      return new Outcome(results, failures, true);
    }
  }

  /**
   * Runs one call on this thread; a watchdog interrupts it at the deadline. Whoever moves {@code
   * state} from RUNNING first wins: the call by finishing, the watchdog by interrupting.
   */
  private Outcome runInline(LoopRun run, Job job, Map<Integer, ToolResult> results, Map<String, Throwable> failures) {
    long start = System.nanoTime();
    Watchdog.Watch watch = Watchdog.INSTANCE.watch(config.callTimeout().toNanos());
    Done done;
    boolean timedOut;
    try {
      done = invoke(run, job);
    } finally {
      timedOut = Watchdog.INSTANCE.finish(watch);
    }
    if (timedOut) {
      if (interruptedBy(done.failure())) {
        LOG.warn("tool call {} ({}) timed out after {} and was interrupted", job.call().callId(), job.call().name(),
            config.callTimeout());
        ToolResult r = synthetic(job.call(), timeoutText(job.call()));
        results.put(job.index(), r);
        failures.put(job.call().callId(), new java.util.concurrent.TimeoutException(
            "tool call " + job.call().callId() + " timed out after " + config.callTimeout()));
        listener.onToolFinished(run, job.call(), r, null, Duration.ofNanos(System.nanoTime() - start));
        return new Outcome(results, failures, false);
      }
      LOG.warn("tool call {} ({}) ran past its timeout of {}; its result is kept", job.call().callId(),
          job.call().name(), config.callTimeout());
    }
    if (!timedOut && (interruptedBy(done.failure())
        || (done.failure() != null && Thread.currentThread().isInterrupted()))) {
      // interrupted by the caller; a tool may have wrapped the InterruptedException in its own
      results.put(job.index(), cancelled(job.call()));
      return new Outcome(results, failures, true);
    }
    results.put(job.index(), done.result());
    if (done.failure() != null) {
      failures.put(job.call().callId(), done.failure());
    }
    return new Outcome(results, failures, false);
  }

  private String timeoutText(ToolCall call) {
    return "Tool '" + call.name() + "' did not finish within " + config.callTimeout().toMillis()
        + " ms; it was interrupted and its outcome is unknown.";
  }

  private static ToolResult cancelled(ToolCall call) {
    return synthetic(call, "Tool '" + call.name() + "' was cancelled before it finished.");
  }

  private static Done get(Future<Done> future) {
    try {
      return future.get();
    } catch (InterruptedException | ExecutionException | CancellationException e) {
      throw new IllegalStateException("a completed tool task failed outside the tool", e);
    }
  }

  /** {@link #invoke} on a pool thread, with the run's conversation key in the MDC (the thread's own put back). */
  private Done invokeOnPool(LoopRun run, Job job) {
    String key = run.conversationKey();
    if (key == null) {
      return invoke(run, job);
    }
    String before = MDC.get(FunctionInvokingLoop.MDC_CONVERSATION);
    MDC.put(FunctionInvokingLoop.MDC_CONVERSATION, key);
    try {
      return invoke(run, job);
    } finally {
      if (before == null) {
        MDC.remove(FunctionInvokingLoop.MDC_CONVERSATION);
      } else {
        MDC.put(FunctionInvokingLoop.MDC_CONVERSATION, before);
      }
    }
  }

  private Done invoke(LoopRun run, Job job) {
    ToolCall call = job.call();
    listener.onToolStarted(run, call);
    long start = System.nanoTime();
    LOG.debug("tool call {} ({}) started", call.callId(), call.name());
    ToolResult result;
    Throwable failure = null;
    try {
      String output = job.tool().invoke(call);
      if (output == null) {
        output = "";
      }
      if (output.length() > config.maxOutputLength()) {
        output = output.substring(0, config.maxOutputLength()) + "\n[output cut by toolguard: it was "
            + output.length() + " characters, the limit is " + config.maxOutputLength() + "]";
      }
      result = ToolResult.of(call.callId(), call.name(), output);
    } catch (Throwable t) {
      if (interruptedBy(t)) {
        Thread.currentThread().interrupt(); // a tool that wrapped the InterruptedException lost the flag
      }
      failure = t;
      String text = config.detailedErrors()
          ? "Tool '" + call.name() + "' failed: " + t.getClass().getSimpleName()
              + (t.getMessage() == null ? "" : ": " + t.getMessage())
          : "Tool '" + call.name() + "' failed.";
      result = synthetic(call, text);
      LOG.debug("tool call {} ({}) failed with {}", call.callId(), call.name(), t.getClass().getName());
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    LOG.debug("tool call {} ({}) finished in {} ms", call.callId(), call.name(), took.toMillis());
    listener.onToolFinished(run, call, result, failure, took);
    return new Done(job, result, failure);
  }

  /**
   * True when {@code t} is an {@link InterruptedException} or was caused by one: frameworks that run
   * tools by reflection hand it over wrapped, with the thread's interrupt flag already cleared.
   */
  static boolean interruptedBy(@Nullable Throwable t) {
    for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
      if (t instanceof InterruptedException) {
        return true;
      }
    }
    return false;
  }

  /** An error result made by the loop, tagged as such. */
  static ToolResult synthetic(ToolCall call, String text) {
    return new ToolResult(call.callId(), call.name(), text, true,
        Map.of(Metadata.SYNTHETIC, Metadata.SYNTHETIC_BY_LOOP));
  }
}
