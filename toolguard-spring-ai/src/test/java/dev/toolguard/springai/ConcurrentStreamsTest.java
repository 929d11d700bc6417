package dev.toolguard.springai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.tool.annotation.Tool;

/**
 * More streamed tool loops at once than Reactor's bounded elastic pool has threads (10 per core).
 * {@link ToolGuardAdvisor} used to run each streamed turn on that pool and block there while the
 * model's own stream, which needs the same pool, was answered: with that many streams at once every
 * thread waited for work queued behind it, and no stream ever ended. Found by the load test of
 * RELIABILITY.md; streamed turns now run on threads of their own.
 */
class ConcurrentStreamsTest extends RefereeSupport {

  static final class Steps {
    final AtomicInteger runs = new AtomicInteger();

    @Tool(description = "Does one step")
    String step(int round) {
      runs.incrementAndGet();
      return "step " + round + " done";
    }
  }

  @Test
  void moreStreamedToolLoopsAtOnceThanTheBoundedElasticPoolHasThreadsAllEnd() throws Exception {
    int streams = 10 * Runtime.getRuntime().availableProcessors() + 20;
    referee.script().respondWith(r -> r.toolResultIds().isEmpty() ? Reply.toolCall("step", "{\"round\":1}")
        : Reply.text("All done."));
    Steps steps = new Steps();
    ChatClient client = ChatClient.builder(model).defaultAdvisors(ToolGuardAdvisor.builder().toolObjects(steps)
        .build()).build();
    ExecutorService callers = Executors.newFixedThreadPool(streams);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<String>> answers = new ArrayList<>();
      for (int i = 0; i < streams; i++) {
        answers.add(callers.submit(() -> {
          go.await();
          return String.join("", client.prompt().user("go").stream().content().collectList().block());
        }));
      }
      go.countDown();
      for (Future<String> answer : answers) {
        // a liveness bound, not a timing: without the fix these never end
        assertThat(answer.get(120, TimeUnit.SECONDS)).isEqualTo("All done.");
      }
    } finally {
      callers.shutdownNow();
    }
    assertThat(steps.runs).hasValue(streams);
    assertThat(referee.rejections()).isEmpty();
    assertThat(referee.requests()).hasSize(2 * streams).allSatisfy(r -> assertThat(r.stream()).isTrue());
    assertThat(referee.requests()).extracting(RecordedRequest::status).containsOnly(200);
  }
}
