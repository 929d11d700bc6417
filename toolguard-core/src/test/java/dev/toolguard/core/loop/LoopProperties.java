package dev.toolguard.core.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.Content;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.testkit.properties.PropertyBudget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.PropagationMode;

/**
 * Random models, random tool faults, random limits and random answers to waiting calls: whatever
 * happens, every request the backend gets is valid, every history the loop hands back is valid,
 * and no approved call runs twice. Every choice is a jqwik arbitrary, so a failure shrinks to a short
 * script and prints its seed; tries are budgeted by {@link PropertyBudget}.
 */
@AddLifecycleHook(value = PropertyBudget.class, propagateTo = PropagationMode.ALL_DESCENDANTS)
class LoopProperties {

  private static final String[] TOOLS = {"ok", "boom", "slow", "pay", "ghost", "client"};

  /** A call the model makes: without an id, with arguments that are not JSON, and which tool. */
  record CallSpec(boolean noId, boolean brokenArgs, int tool) {}

  /** One answer of the model: a text, a failure (HTTP 500), or calls. */
  record Step(int kind, List<CallSpec> calls) {
    static final int TEXT = 0;
    static final int FAIL = 1;
    static final int CALLS = 2;
  }

  /** The loop's limits and policies. */
  record Limits(int maxIterations, int maxCalls, int concurrency, int maxErrors, boolean runOthers, boolean endLoop,
      boolean sequentialSlow) {}

  /** How the application answers the waiting calls of a round: a pick per call (taken in turn) and a text or not. */
  record Answer(List<Integer> picks, boolean alsoText) {}

  /** True one time in {@code n}; shrinks to false. */
  private static Arbitrary<Boolean> oneIn(int n) {
    return Arbitraries.integers().between(0, n - 1).map(i -> i == n - 1);
  }

  @Provide
  Arbitrary<List<Step>> scripts() {
    Arbitrary<CallSpec> call = Combinators.combine(oneIn(20), oneIn(10),
        Arbitraries.integers().between(0, TOOLS.length - 1)).as(CallSpec::new);
    Arbitrary<Step> step = Combinators.combine(
        Arbitraries.frequency(Tuple.of(45, Step.CALLS), Tuple.of(15, Step.TEXT), Tuple.of(3, Step.FAIL)),
        call.list().ofMinSize(1).ofMaxSize(4)).as(Step::new);
    return step.list().ofSize(12);
  }

  @Provide
  Arbitrary<Limits> limits() {
    return Combinators.combine(Arbitraries.integers().between(1, 6), Arbitraries.integers().between(1, 12),
        Arbitraries.integers().between(1, 4), Arbitraries.integers().between(1, 3), Arbitraries.of(true, false),
        Arbitraries.of(true, false), Arbitraries.of(true, false)).as(Limits::new);
  }

  @Provide
  Arbitrary<List<Answer>> answers() {
    Arbitrary<Answer> answer = Combinators.combine(
        Arbitraries.integers().between(0, 3).list().ofMinSize(1).ofMaxSize(4), Arbitraries.of(true, false))
        .as(Answer::new);
    return answer.list().ofSize(6);
  }

  @Property(tries = 300)
  void everyRunLeavesAValidHistory(@ForAll("scripts") List<Step> script, @ForAll("limits") Limits limits,
      @ForAll("answers") List<Answer> answers) {
    ScriptedBackend model = new ScriptedBackend();
    AtomicInteger idCounter = new AtomicInteger();
    for (int i = 0; i < script.size(); i++) {
      Step step = script.get(i);
      if (step.kind() == Step.TEXT) {
        model.thenText("text " + i);
      } else if (step.kind() == Step.FAIL) {
        model.thenFail(new IllegalStateException("HTTP 500"));
      } else {
        List<Content> calls = new ArrayList<>();
        for (CallSpec c : step.calls()) {
          String id = c.noId() ? "" : "call_" + idCounter.incrementAndGet();
          String args = c.brokenArgs() ? "{broken" : "{\"n\":" + idCounter.incrementAndGet() + "}";
          calls.add(ToolCall.of(id, TOOLS[c.tool()], args));
        }
        model.then(Message.assistant(calls.toArray(new Content[0])));
      }
    }
    Map<String, Integer> runs = new ConcurrentHashMap<>();
    LoopTool.Function counting = args -> {
      runs.merge(args, 1, Integer::sum);
      return "ok";
    };
    LoopTool ok = LoopTool.of(ToolSpec.of("ok", ""), counting);
    LoopTool pay = LoopTool.of(ToolSpec.of("pay", ""), counting);
    LoopTool boom = LoopTool.of(ToolSpec.of("boom", ""), args -> {
      throw new IllegalStateException("boom");
    });
    LoopTool slow = LoopTool.of(ToolSpec.of("slow", ""), args -> {
      Thread.sleep(args.hashCode() % 3 == 0 ? 200 : 1); // some calls time out, decided by the call alone
      return "slow";
    });
    LoopConfig config = LoopConfig.custom()
        .maxIterations(limits.maxIterations())
        .maxCallsPerRequest(limits.maxCalls())
        .maxConcurrency(limits.concurrency())
        .maxConsecutiveErrors(limits.maxErrors())
        .callTimeout(Duration.ofMillis(50))
        .approvalRequired(Set.of("pay"))
        .runOthersWhileAwaitingApproval(limits.runOthers())
        .unknownToolPolicy(limits.endLoop() ? LoopConfig.UnknownToolPolicy.END_LOOP
            : LoopConfig.UnknownToolPolicy.ERROR_RESULT)
        .sequentialTools(limits.sequentialSlow() ? Set.of("slow") : Set.of())
        .build();
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(model).tools(ok, pay, boom, slow)
        .clientTool(ToolSpec.of("client", "")).config(config).build();

    List<Message> history = new ArrayList<>(List.of(Message.user("start")));
    for (int round = 0; round < answers.size(); round++) {
      List<Message> next;
      try {
        LoopResult r = loop.run(ApprovalTest.copy(history));
        next = r.history();
        assertThat(r.added()).isEqualTo(next.subList(next.size() - r.added().size(), next.size()));
        if (r.status() == LoopResult.Status.AWAITING) {
          next = new ArrayList<>(next);
          next.add(answer(r.pending(), answers.get(round)));
        } else {
          next = new ArrayList<>(next);
          next.add(Message.user("round " + round));
        }
      } catch (LoopException e) {
        next = new ArrayList<>(e.history());
        next.add(Message.user("after failure " + round));
      }
      assertThat(HistoryGuard.ofDefaults().check(next.subList(0, next.size() - 1))).isEmpty();
      history = next;
    }
    runs.forEach((args, count) -> assertThat(count).as("runs of the call with %s", args).isEqualTo(1));
  }

  private static Message answer(List<ApprovalRequest> pending, Answer answer) {
    List<Content> answers = new ArrayList<>();
    for (int k = 0; k < pending.size(); k++) {
      ApprovalRequest request = pending.get(k);
      int pick = answer.picks().get(k % answer.picks().size());
      Object kind = request.metadata().get(dev.toolguard.core.Metadata.PENDING);
      boolean approvable = dev.toolguard.core.Metadata.PENDING_APPROVAL.equals(kind)
          || dev.toolguard.core.Metadata.PENDING_DEFERRED.equals(kind);
      if (pick == 0 && approvable) {
        answers.add(ApprovalResponse.approve(request));
      } else if (pick == 1) {
        answers.add(ApprovalResponse.reject(request, "no"));
      } else if (pick == 2) {
        answers.add(ApprovalResponse.respondWith(request, "given"));
      }
    }
    if (answers.isEmpty() || answer.alsoText()) {
      answers.add(dev.toolguard.core.Text.of("also this"));
    }
    return new Message(Role.USER, answers, new HashMap<>());
  }
}
