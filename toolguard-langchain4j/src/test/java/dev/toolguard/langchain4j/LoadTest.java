package dev.toolguard.langchain4j;

import static dev.toolguard.testkit.ConversationLoad.marker;
import static dev.toolguard.testkit.ConversationLoad.markers;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopResult.Status;
import dev.toolguard.testkit.ConversationLoad;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.RecordedRequest;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Load through LangChain4j's own {@code OpenAiChatModel} against the referee on loopback: 200
 * conversations at once, each 10 tool rounds, over one {@link ToolLoop}, each conversation in its own
 * guarded memory on one shared JSON store. Zero 400s, every conversation completed, and no history
 * crosses another: every body the referee received and every stored history carries the marker of
 * its own conversation only.
 */
class LoadTest {

  static final int CONVERSATIONS = 200;
  static final int ROUNDS = 10;
  private static final ConversationLoad LOAD = ConversationLoad.of(CONVERSATIONS, ROUNDS);

  @Test
  void twoHundredConversationsOfTenToolRoundsAtOnce() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    ToolSpecification spec = ToolSpecification.builder().name(ConversationLoad.TOOL).description("Does one step")
        .parameters(JsonObjectSchema.builder().addStringProperty("conversation").addIntegerProperty("round").build())
        .build();
    ToolExecutor step = (request, memoryId) -> {
      runs.incrementAndGet();
      String conversation = markers(request.arguments()).stream().findFirst().orElse("?");
      return "{\"ok\":\"" + conversation + "\",\"memory\":\"" + memoryId + "\"}";
    };
    try (ProviderReferee referee = ProviderReferee.builder().threads(16).start()) {
      referee.script().respondWith(LOAD::reply);
      OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(referee.openAiBaseUrl()).apiKey("test")
          .modelName("gpt-4o-mini").maxRetries(0).timeout(Duration.ofSeconds(60)).build();
      ToolLoop loop = ToolLoop.builder(model).tool(spec, step)
          .config(LoopConfig.custom().maxIterations(ROUNDS + 1).build()).build();
      JsonStore store = new JsonStore();

      ConversationLoad.Run<ToolLoop.Result> run = LOAD.runAtOnce(c -> () -> loop.run(
          LangChain4jToolGuard.wrap(MessageWindowChatMemory.builder().id(marker(c)).maxMessages(100).chatMemoryStore(store).build()),
          UserMessage.from("Hello from " + marker(c))), Duration.ofSeconds(120));

      List<RecordedRequest> requests = referee.requests();
      assertThat(referee.rejections()).isEmpty();
      assertThat(requests).hasSize(LOAD.requests());
      assertThat(requests).allSatisfy(r -> {
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(markers(r.body())).as("conversations in one request").hasSize(1);
      });
      assertThat(runs).hasValue(CONVERSATIONS * ROUNDS);
      for (int c = 0; c < CONVERSATIONS; c++) {
        ToolLoop.Result r = run.results().get(c);
        assertThat(r.status()).isEqualTo(Status.COMPLETED);
        assertThat(r.text()).isEqualTo(LOAD.answer(c));
        List<ChatMessage> stored = store.getMessages(marker(c));
        assertThat(HistoryGuard.ofDefaults().check(LangChain4jToolGuard.toCore(stored))).isEmpty();
        assertThat(markers(stored.toString())).containsExactly(marker(c));
        assertThat(stored.stream().filter(m -> m instanceof ToolExecutionResultMessage).count()).isEqualTo(ROUNDS);
        assertThat(stored.toString()).as("the tool ran with the conversation's own memory id")
            .contains("\"memory\":\"" + marker(c) + "\"");
      }
      System.out.printf(Locale.ROOT, "RELIABILITY load langchain4j: %d conversations x %d rounds at once (%d requests)"
          + " in %d ms, zero 400s%n", CONVERSATIONS, ROUNDS, requests.size(), run.millis());
    }
  }
}
