package dev.toolguard.langchain4j;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.toolguard.testkit.ProviderReferee;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * A test class against one referee, reset before each test, that LangChain4j's own clients talk to
 * ({@link Provider}); with the {@link ToolLoop} over them and the guarded memory the tests keep a
 * conversation in.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RefereeTest {

  ProviderReferee referee;

  @BeforeAll
  void startReferee() {
    referee = ProviderReferee.start();
  }

  @AfterAll
  void stopReferee() {
    referee.close();
  }

  @BeforeEach
  void resetReferee() {
    referee.reset();
  }

  /** A loop builder over {@code provider}'s client, streaming or not. */
  ToolLoop.Builder loop(Provider provider) {
    return provider.streaming()
        ? ToolLoop.builder(Provider.streamingModel(provider, referee))
        : ToolLoop.builder(Provider.chatModel(provider, referee));
  }

  /** Runs {@code loop} on {@code memory}, streamed when the provider streams. */
  static ToolLoop.Result run(Provider provider, ToolLoop loop, ChatMemory memory, ChatMessage... messages) {
    return provider.streaming() ? loop.stream(memory, s -> { }, messages) : loop.run(memory, messages);
  }

  /** User {@code u1}'s conversation: a guarded window of 50 messages over {@code store}. */
  static ChatMemory memory(JsonStore store) {
    return memory(store, "u1");
  }

  /** Conversation {@code id}: a guarded window of 50 messages over {@code store}. */
  static ChatMemory memory(JsonStore store, String id) {
    return LangChain4jToolGuard.wrap(MessageWindowChatMemory.builder().id(id).maxMessages(50).chatMemoryStore(store).build());
  }
}
