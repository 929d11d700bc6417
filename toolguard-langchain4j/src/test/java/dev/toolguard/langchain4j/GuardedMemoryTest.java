package dev.toolguard.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.memory.chat.TokenWindowChatMemory;
import dev.langchain4j.model.TokenCountEstimator;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Metadata;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The guarded memory over LangChain4j's windows and a persistent store never hands out a broken history. */
class GuardedMemoryTest {

  static ToolExecutionRequest call(String id, String name) {
    return ToolExecutionRequest.builder().id(id).name(name).arguments("{}").build();
  }

  static void assertValid(List<ChatMessage> messages) {
    assertThat(HistoryGuard.ofDefaults().check(LangChain4jToolGuard.toCore(messages))).isEmpty();
  }

  /** Counts one token per character of text, so that a window size is easy to reason about. */
  static final class CharCount implements TokenCountEstimator {
    @Override
    public int estimateTokenCountInText(String text) {
      return text.length();
    }

    @Override
    public int estimateTokenCountInMessage(ChatMessage message) {
      return message.toString().length() / 10;
    }

    @Override
    public int estimateTokenCountInMessages(Iterable<ChatMessage> messages) {
      int n = 0;
      for (ChatMessage m : messages) {
        n += estimateTokenCountInMessage(m);
      }
      return n;
    }
  }

  @Test
  void aTinyWindowKeepsTheCurrentExchangeWhole() {
    MessageWindowChatMemory window = MessageWindowChatMemory.withMaxMessages(2);
    ChatMemory memory = LangChain4jToolGuard.wrap(window);
    AiMessage twoCalls = AiMessage.from(call("c1", "a"), call("c2", "b"));
    UserMessage question = UserMessage.from("do a and b");

    memory.add(question);
    memory.add(twoCalls);
    memory.add(ToolExecutionResultMessage.from("c1", "a", "A"));
    memory.add(ToolExecutionResultMessage.from("c2", "b", "B"));

    assertThat(window.messages()).as("the bare window lost the whole turn").isEmpty();
    assertThat(memory.messages()).containsExactly(question, twoCalls,
        ToolExecutionResultMessage.from("c1", "a", "A"), ToolExecutionResultMessage.from("c2", "b", "B"));

    memory.add(AiMessage.from("did both"));
    UserMessage next = UserMessage.from("thanks");
    memory.add(next);
    assertThat(window.messages()).containsExactly(AiMessage.from("did both"), next);
    assertThat(memory.messages()).as("nothing said is dropped: the answer the window kept stays")
        .containsExactly(AiMessage.from("did both"), next);
  }

  @Test
  void anEvictedCallTakesItsResultsAlongEvenWithAUserMessageBetween() {
    MessageWindowChatMemory window = MessageWindowChatMemory.withMaxMessages(4);
    ChatMemory memory = LangChain4jToolGuard.wrap(window);
    memory.add(UserMessage.from("weather?"));
    memory.add(AiMessage.from(call("c1", "weather")));
    memory.add(UserMessage.from("hurry"));                                // typed while the tool ran
    memory.add(ToolExecutionResultMessage.from("c1", "weather", "sun"));
    memory.add(AiMessage.from("sunny"));                                    // evicts the first user message
    memory.add(UserMessage.from("and tomorrow?"));                          // evicts the call, not its result

    assertThat(window.messages().get(1)).isInstanceOf(ToolExecutionResultMessage.class);
    List<ChatMessage> messages = memory.messages();
    assertValid(messages);
    assertThat(messages).containsExactly(UserMessage.from("hurry"), AiMessage.from("sunny"),
        UserMessage.from("and tomorrow?"));
  }

  @Test
  void aResultTypedAroundIsMovedBackToItsCall() {
    ChatMemory memory = LangChain4jToolGuard.wrap(MessageWindowChatMemory.withMaxMessages(10));
    memory.add(UserMessage.from("weather?"));
    memory.add(AiMessage.from(call("c1", "weather")));
    memory.add(UserMessage.from("hurry"));
    memory.add(ToolExecutionResultMessage.from("c1", "weather", "sun"));

    List<ChatMessage> messages = memory.messages();
    assertValid(messages);
    assertThat(messages.get(2)).isEqualTo(ToolExecutionResultMessage.from("c1", "weather", "sun"));
    assertThat(messages.get(3)).isEqualTo(UserMessage.from("hurry"));
  }

  @Test
  void aTokenWindowIsGuardedTheSameWay() {
    TokenWindowChatMemory window = TokenWindowChatMemory.builder().maxTokens(25, new CharCount()).build();
    ChatMemory memory = LangChain4jToolGuard.wrap(window);
    UserMessage question = UserMessage.from("look up a very long thing, please, in detail");
    AiMessage lookup = AiMessage.from(call("c1", "lookup"));
    ToolExecutionResultMessage result = ToolExecutionResultMessage.from("c1", "lookup", "a very long result text");

    memory.add(question);
    memory.add(lookup);
    memory.add(result);

    assertThat(window.messages()).doesNotContain(lookup);
    List<ChatMessage> messages = memory.messages();
    assertValid(messages);
    assertThat(messages).containsExactly(question, lookup, result);
  }

  @Test
  void aCrashAfterTheAssistantMessageIsAnsweredOnReadInTheNextProcess() {
    JsonStore store = new JsonStore();
    ChatMemory first = LangChain4jToolGuard.wrap(MessageWindowChatMemory.builder().id("s1").maxMessages(20)
        .chatMemoryStore(store).build());
    first.add(UserMessage.from("pay the invoice"));
    first.add(AiMessage.from(call("c9", "pay")));
    // the process dies here, before the result is stored

    ChatMemory second = LangChain4jToolGuard.wrap(MessageWindowChatMemory.builder().id("s1").maxMessages(20)
        .chatMemoryStore(store).build());
    second.add(UserMessage.from("did it work?"));
    List<ChatMessage> messages = second.messages();

    assertValid(messages);
    assertThat(messages).hasSize(4);
    ToolExecutionResultMessage synthetic = (ToolExecutionResultMessage) messages.get(2);
    assertThat(synthetic.id()).isEqualTo("c9");
    assertThat(synthetic.isError()).isTrue();
    assertThat(synthetic.attributes()).containsEntry(Metadata.SYNTHETIC, Metadata.SYNTHETIC_BY_REPAIR);
    assertThat(store.getMessages("s1")).as("the repair is written back once").isEqualTo(messages);
    assertThat(second.messages()).as("the next read is clean").isEqualTo(messages);
  }

  @Test
  void aResultThatArrivesAfterTheRepairWasWrittenBackWinsOverTheErrorResultInItsPlace() {
    JsonStore store = new JsonStore();
    ChatMemory memory = LangChain4jToolGuard.wrap(MessageWindowChatMemory.builder().id("s2").maxMessages(20)
        .chatMemoryStore(store).build());
    memory.add(UserMessage.from("pay the invoice"));
    memory.add(AiMessage.from(call("c9", "pay")));
    // another request reads while the tool still runs: the call is answered with an error result, written back
    assertThat(memory.messages()).hasSize(3);
    assertThat(((ToolExecutionResultMessage) store.getMessages("s2").get(2)).isError()).isTrue();

    memory.add(ToolExecutionResultMessage.from(call("c9", "pay"), "paid"));
    List<ChatMessage> messages = memory.messages();

    assertValid(messages);
    assertThat(messages).hasSize(3);
    assertThat(((ToolExecutionResultMessage) messages.get(2)).text()).isEqualTo("paid");
    assertThat(store.getMessages("s2")).as("the deduplicated history is written back").isEqualTo(messages);
  }

  @Test
  void aMemoryWhoseSetIsClearThenAddIsRepairedOnEveryReadAndNeverHalfRewritten() {
    List<ChatMessage> kept = new java.util.ArrayList<>();
    java.util.concurrent.atomic.AtomicInteger clears = new java.util.concurrent.atomic.AtomicInteger();
    ChatMemory plain = new ChatMemory() { // ChatMemory's default set: clear(), then add one by one
      @Override
      public Object id() {
        return "s3";
      }

      @Override
      public void add(ChatMessage message) {
        kept.add(message);
      }

      @Override
      public List<ChatMessage> messages() {
        return new java.util.ArrayList<>(kept);
      }

      @Override
      public void clear() {
        clears.incrementAndGet();
        kept.clear();
      }
    };
    ChatMemory memory = LangChain4jToolGuard.wrap(plain);
    memory.add(UserMessage.from("pay the invoice"));
    memory.add(AiMessage.from(call("c9", "pay")));

    assertValid(memory.messages());
    assertValid(memory.messages());
    assertThat(clears).as("no clear-then-add rewrite").hasValue(0);
    assertThat(kept).hasSize(2);
  }

  @Test
  void systemMessagesStayFirstAndAValidHistoryIsHandedOutAsItIs() {
    MessageWindowChatMemory window = MessageWindowChatMemory.builder().maxMessages(3)
        .alwaysKeepSystemMessageFirst(true).build();
    ChatMemory memory = LangChain4jToolGuard.wrap(window);
    memory.add(SystemMessage.from("be brief"));
    memory.add(UserMessage.from("weather?"));
    memory.add(AiMessage.from(call("c1", "weather")));
    memory.add(ToolExecutionResultMessage.from("c1", "weather", "sun"));

    assertThat(memory.messages()).containsExactly(SystemMessage.from("be brief"), UserMessage.from("weather?"),
        AiMessage.from(call("c1", "weather")), ToolExecutionResultMessage.from("c1", "weather", "sun"));

    memory.add(AiMessage.from("sunny"));
    memory.add(UserMessage.from("thanks"));
    assertThat(memory.messages()).containsExactly(SystemMessage.from("be brief"), AiMessage.from("sunny"),
        UserMessage.from("thanks"));
  }

  @Test
  void aNewProcessOverAWindowWithoutAUserMessageKeepsWhatWasSaid() {
    JsonStore store = new JsonStore();
    MessageWindowChatMemory window = MessageWindowChatMemory.builder().id("s").maxMessages(2)
        .chatMemoryStore(store).build();
    window.add(SystemMessage.from("be brief"));
    window.add(UserMessage.from("weather?"));
    window.add(AiMessage.from("sunny"));
    assertThat(store.getMessages("s")).containsExactly(SystemMessage.from("be brief"), AiMessage.from("sunny"));

    ChatMemory restarted = LangChain4jToolGuard.wrap(MessageWindowChatMemory.builder().id("s").maxMessages(2)
        .chatMemoryStore(store).build());

    assertThat(restarted.messages()).containsExactly(SystemMessage.from("be brief"), AiMessage.from("sunny"));
  }

  @Test
  void aGreetingBeforeTheFirstUserMessageIsKeptAndAnOrphanResultIsRepairedNotHidden() {
    ChatMemory memory = LangChain4jToolGuard.wrap(MessageWindowChatMemory.withMaxMessages(10));
    memory.add(SystemMessage.from("be brief"));
    memory.add(AiMessage.from("Hello! How can I help?"));
    memory.add(UserMessage.from("weather?"));
    assertThat(memory.messages()).containsExactly(SystemMessage.from("be brief"),
        AiMessage.from("Hello! How can I help?"), UserMessage.from("weather?"));

    ChatMemory cut = LangChain4jToolGuard.wrap(MessageWindowChatMemory.withMaxMessages(10));
    cut.set(List.of(SystemMessage.from("be brief"), ToolExecutionResultMessage.from("c0", "weather", "rain"),
        AiMessage.from("it rains"), UserMessage.from("thanks")));
    String log = dev.toolguard.testkit.ConsoleCapture.of(() -> assertThat(cut.messages())
        .containsExactly(SystemMessage.from("be brief"), AiMessage.from("it rains"), UserMessage.from("thanks")));
    assertThat(log).contains("WARN").contains("c0");
  }

  @Test
  void anAnthropicModelGetsAPlaceholderUserMessageWhenTheWindowStartsWithTheAssistant() {
    List<ChatMessage> history = List.of(SystemMessage.from("be brief"), AiMessage.from("Hello!"),
        UserMessage.from("weather?"));
    dev.toolguard.langchain4j.internal.HistoryGate gate = LangChain4jToolGuard.ofDefaults().gate();
    List<ChatMessage> anthropic = gate.forProvider(history, dev.toolguard.core.Dialect.ANTHROPIC);
    assertThat(anthropic).extracting(m -> m.type().name()).containsExactly("SYSTEM", "USER", "AI", "USER");
    assertThat(((UserMessage) anthropic.get(1)).singleText()).isEqualTo("[earlier messages were cut]");
    assertThat(gate.forProvider(history, null)).isSameAs(history);
  }

  @Test
  void setAndClearGoToTheInnerMemory() {
    MessageWindowChatMemory window = MessageWindowChatMemory.withMaxMessages(10);
    ChatMemory memory = LangChain4jToolGuard.wrap(window);
    memory.set(UserMessage.from("a"), AiMessage.from("b"));
    assertThat(window.messages()).hasSize(2);
    assertThat(memory.id()).isEqualTo(window.id());
    memory.clear();
    assertThat(window.messages()).isEmpty();
    assertThat(memory.messages()).isEmpty();
  }
}
