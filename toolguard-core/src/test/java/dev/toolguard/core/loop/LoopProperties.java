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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Random models, random tool faults, random limits and random answers to waiting calls: whatever
 * happens, every request the backend gets is valid, every history the loop hands back is valid,
 * and no approved call runs twice.
 */
class LoopProperties {

  private static final String[] TOOLS = {"ok", "boom", "slow", "pay", "ghost", "client"};

  @Property(tries = 300, seed = "424242")
  void everyRunLeavesAValidHistory(@ForAll long seed) {
    Random random = new Random(seed);
    ScriptedBackend model = new ScriptedBackend();
    AtomicInteger idCounter = new AtomicInteger();
    for (int i = 0; i < 12; i++) {
      if (random.nextInt(4) == 0) {
        model.thenText("text " + i);
      } else if (random.nextInt(15) == 0) {
        model.thenFail(new IllegalStateException("HTTP 500"));
      } else {
        int n = 1 + random.nextInt(4);
        List<Content> calls = new ArrayList<>();
        for (int k = 0; k < n; k++) {
          String id = random.nextInt(20) == 0 ? "" : "call_" + idCounter.incrementAndGet();
          String args = random.nextInt(10) == 0 ? "{broken" : "{\"n\":" + idCounter.incrementAndGet() + "}";
          calls.add(ToolCall.of(id, TOOLS[random.nextInt(TOOLS.length)], args));
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
        .maxIterations(1 + random.nextInt(6))
        .maxCallsPerRequest(1 + random.nextInt(12))
        .maxConcurrency(1 + random.nextInt(4))
        .maxConsecutiveErrors(1 + random.nextInt(3))
        .callTimeout(Duration.ofMillis(50))
        .approvalRequired(Set.of("pay"))
        .runOthersWhileAwaitingApproval(random.nextBoolean())
        .unknownToolPolicy(random.nextBoolean() ? LoopConfig.UnknownToolPolicy.ERROR_RESULT
            : LoopConfig.UnknownToolPolicy.END_LOOP)
        .sequentialTools(random.nextBoolean() ? Set.of("slow") : Set.of())
        .build();
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(model).tools(ok, pay, boom, slow)
        .clientTool(ToolSpec.of("client", "")).config(config).build();

    List<Message> history = new ArrayList<>(List.of(Message.user("start")));
    for (int round = 0; round < 6; round++) {
      List<Message> next;
      try {
        LoopResult r = loop.run(ApprovalTest.copy(history));
        next = r.history();
        assertThat(r.added()).isEqualTo(next.subList(next.size() - r.added().size(), next.size()));
        if (r.status() == LoopResult.Status.AWAITING) {
          next = new ArrayList<>(next);
          next.add(answer(r.pending(), random));
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

  private static Message answer(List<ApprovalRequest> pending, Random random) {
    List<Content> answers = new ArrayList<>();
    for (ApprovalRequest request : pending) {
      int pick = random.nextInt(4);
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
    if (answers.isEmpty() || random.nextBoolean()) {
      answers.add(dev.toolguard.core.Text.of("also this"));
    }
    return new Message(Role.USER, answers, new HashMap<>());
  }
}
