package dev.toolguard.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Message;
import dev.toolguard.core.ToolResult;
import dev.toolguard.testkit.Reply;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.advisor.MessageChatMemoryAdvisor;
import org.springframework.ai.chat.client.advisor.ToolCallingAdvisor;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.memory.ChatMemoryRepository;
import org.springframework.ai.chat.memory.InMemoryChatMemoryRepository;
import org.springframework.ai.chat.memory.MessageWindowChatMemory;
import org.springframework.ai.chat.memory.repository.jdbc.JdbcChatMemoryRepository;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabase;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;

class ToolGuardChatMemoryTest extends RefereeSupport {

  private EmbeddedDatabase database;

  @AfterEach
  void closeDatabase() {
    if (database != null) {
      database.shutdown();
    }
  }

  static boolean valid(List<org.springframework.ai.chat.messages.Message> history) {
    return HistoryGuard.ofDefaults().check(ToolGuardSpringAi.toCore(history)).isEmpty();
  }

  static AssistantMessage weatherCall(String id) {
    return AssistantMessage.builder().content("")
        .toolCalls(List.of(new AssistantMessage.ToolCall(id, "function", "weather", "{\"city\":\"Paris\"}"))).build();
  }

  static ToolResponseMessage weatherResult(String id) {
    return ToolResponseMessage.builder()
        .responses(List.of(new ToolResponseMessage.ToolResponse(id, "weather", "sunny"))).build();
  }

  @Test
  void aWindowThatStartsBetweenACallAndItsResultIsRepaired() {
    ChatMemory window = MessageWindowChatMemory.builder().maxMessages(4).build();
    // the user typed while the tool ran: their message landed between the call and its result
    window.add("c", List.of(new UserMessage("weather?"), weatherCall("call_1"), new UserMessage("and tomorrow?"),
        weatherResult("call_1"), new AssistantMessage("Sunny."), new UserMessage("thanks")));

    List<org.springframework.ai.chat.messages.Message> bare = window.get("c");
    assertThat(bare.get(0).getText()).isEqualTo("and tomorrow?");
    assertThat(bare.get(1)).isInstanceOf(ToolResponseMessage.class); // its call was evicted
    assertThat(valid(bare)).isFalse();

    List<org.springframework.ai.chat.messages.Message> guarded = ToolGuardChatMemory.of(window).get("c");
    assertThat(valid(guarded)).isTrue();
    assertThat(guarded).extracting(org.springframework.ai.chat.messages.Message::getText)
        .containsExactly("and tomorrow?", "Sunny.", "thanks");
  }

  @Test
  void aCrashBetweenStoringTheCallAndItsResultIsAnsweredWithAnErrorResult() {
    ChatMemory memory = ToolGuardChatMemory.of(MessageWindowChatMemory.builder().build());
    memory.add("c", new UserMessage("weather?"));
    memory.add("c", weatherCall("call_1"));
    // … the process dies here; later the user writes again
    memory.add("c", new UserMessage("hello?"));

    List<org.springframework.ai.chat.messages.Message> history = memory.get("c");
    assertThat(valid(history)).isTrue();
    assertThat(history.get(2)).isInstanceOfSatisfying(ToolResponseMessage.class,
        t -> assertThat(t.getResponses().get(0).responseData()).contains("did not complete"));
    List<Message> core = ToolGuardSpringAi.toCore(history);
    assertThat(core.get(2).toolResults()).allMatch(ToolResult::error).allMatch(ToolResult::synthetic);
    assertThat(history.get(3).getText()).isEqualTo("hello?");
  }

  @Test
  void aValidHistoryIsTheDelegatesOwnList() {
    ChatMemory window = MessageWindowChatMemory.builder().build();
    window.add("c", List.of(new UserMessage("weather?"), weatherCall("call_1"), weatherResult("call_1")));
    ToolGuardChatMemory guarded = ToolGuardChatMemory.of(window);
    assertThat(guarded.get("c")).isEqualTo(window.get("c"));
    assertThat(ToolGuardChatMemory.of(guarded)).isSameAs(guarded);
  }

  @Test
  void aRepositoryThatDropsToolMessagesStillGivesAValidHistory() {
    ChatMemoryRepository store = new InMemoryChatMemoryRepository();
    ChatMemoryRepository dropsResults = new ChatMemoryRepository() {
      @Override
      public List<String> findConversationIds() {
        return store.findConversationIds();
      }

      @Override
      public List<org.springframework.ai.chat.messages.Message> findByConversationId(String conversationId) {
        return store.findByConversationId(conversationId);
      }

      @Override
      public void saveAll(String conversationId, List<org.springframework.ai.chat.messages.Message> messages) {
        List<org.springframework.ai.chat.messages.Message> kept = new ArrayList<>();
        for (org.springframework.ai.chat.messages.Message m : messages) {
          if (!(m instanceof ToolResponseMessage)) {
            kept.add(m);
          }
        }
        store.saveAll(conversationId, kept);
      }

      @Override
      public void deleteByConversationId(String conversationId) {
        store.deleteByConversationId(conversationId);
      }
    };
    ChatMemory window = MessageWindowChatMemory.builder().chatMemoryRepository(dropsResults).build();
    window.add("c", List.of(new UserMessage("weather?"), weatherCall("call_1"), weatherResult("call_1"),
        new AssistantMessage("Sunny."), new UserMessage("and Rome?")));

    assertThat(valid(window.get("c"))).isFalse();
    List<org.springframework.ai.chat.messages.Message> guarded = ToolGuardChatMemory.of(window).get("c");
    assertThat(valid(guarded)).isTrue();
    assertThat(guarded).hasSize(5); // the lost result is answered with an error result
  }

  private DataSource h2() {
    database = new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2).generateUniqueName(true)
        .addScript("classpath:chat-memory-schema-h2.sql").build();
    return database;
  }

  /**
   * Spring AI's own tool loop with the memory advisor inside it (so that tool turns are kept) over
   * JdbcChatMemoryRepository, which drops tool messages: the next round sends a tool result whose call
   * the store dropped, which a provider refuses.
   */
  @Test
  void jdbcDropsToolMessagesUnderSpringAisLoopButNotUnderToolguards() {
    referee.script().enqueue(Reply.toolCalls(ToolGuardAdvisorTest.call("call_1", "weather", "{\"city\":\"Paris\"}")),
        Reply.text("Sunny."));
    ChatMemory jdbc = MessageWindowChatMemory.builder()
        .chatMemoryRepository(JdbcChatMemoryRepository.builder().dataSource(h2()).build()).build();
    ChatClient bare = ChatClient.builder(model)
        .defaultAdvisors(ToolCallingAdvisor.builder().disableInternalConversationHistory().build(),
            MessageChatMemoryAdvisor.builder(jdbc).order(ToolCallingAdvisor.DEFAULT_ORDER + 1).build())
        .build();
    assertThatThrownBy(() -> bare.prompt().user("weather?").tools(new ToolGuardAdvisorTest.Weather())
        .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "bare")).call().content())
        .hasMessageContaining("400");

    referee.reset();
    referee.script().enqueue(Reply.toolCalls(ToolGuardAdvisorTest.call("call_2", "weather", "{\"city\":\"Paris\"}")),
        Reply.text("Sunny."), Reply.text("Warm."));
    ChatMemory memory = ToolGuardChatMemory.of(MessageWindowChatMemory.builder()
        .chatMemoryRepository(JdbcChatMemoryRepository.builder().dataSource(database).build()).build());
    ChatClient guarded = ChatClient.builder(model)
        .defaultAdvisors(ToolGuardAdvisor.builder().chatMemory(memory).build()).build();
    ToolGuardAdvisorTest.Weather weather = new ToolGuardAdvisorTest.Weather();
    assertThat(guarded.prompt().user("weather?").tools(weather)
        .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "guarded")).call().content()).isEqualTo("Sunny.");
    assertThat(guarded.prompt().user("and tomorrow?")
        .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "guarded")).call().content()).isEqualTo("Warm.");

    assertThat(weather.calls).hasValue(1);
    assertThat(memory.get("guarded")).extracting(org.springframework.ai.chat.messages.Message::getText)
        .containsExactly("weather?", "Sunny.", "and tomorrow?", "Warm.");
  }
}
