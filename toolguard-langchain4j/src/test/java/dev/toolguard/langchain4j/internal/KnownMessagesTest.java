package dev.toolguard.langchain4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.toolguard.core.Message;
import dev.toolguard.core.ToolCall;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A run's core messages go back as the very LangChain4j messages they came from while they are
 * unchanged; a changed or new one is mapped as without the memory, so the answer is always {@link
 * Messages#toLangChain4j(List)}'s.
 */
class KnownMessagesTest {

  @Test
  void unchangedMessagesGoBackAsTheirSourcesAndChangedOnesAreMapped() {
    ToolExecutionRequest call = ToolExecutionRequest.builder().id("c1").name("lookup").arguments("{}").build();
    List<ChatMessage> history = List.of(UserMessage.from("q"), AiMessage.from(List.of(call)),
        ToolExecutionResultMessage.from(call, "42"), AiMessage.from("It is 42."));
    KnownMessages known = new KnownMessages();
    List<Message> core = known.toCore(history);

    List<ChatMessage> back = known.toLangChain4j(core);
    assertThat(back).hasSize(4);
    for (int i = 0; i < 4; i++) {
      assertThat(back.get(i)).isSameAs(history.get(i));
    }

    // the call renamed (a new core message), and a message the run added
    List<Message> changed = new ArrayList<>(core);
    changed.set(1, core.get(1).withContents(List.of(((ToolCall) core.get(1).contents().get(0)).withCallId("c9"))));
    changed.add(Message.user("next"));
    List<ChatMessage> mapped = known.toLangChain4j(changed);
    assertThat(mapped).isEqualTo(Messages.toLangChain4j(changed));
    assertThat(mapped.get(0)).isSameAs(history.get(0));
    assertThat(((AiMessage) mapped.get(1)).toolExecutionRequests().get(0).id()).isEqualTo("c9");

    // an answer the backend converted is remembered too
    AiMessage answer = AiMessage.from("Done.");
    Message answerCore = Messages.toCore(answer);
    known.add(answerCore, answer);
    assertThat(known.toLangChain4j(List.of(answerCore)).get(0)).isSameAs(answer);
  }
}
