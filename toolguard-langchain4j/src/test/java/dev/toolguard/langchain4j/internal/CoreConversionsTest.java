package dev.toolguard.langchain4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.InvalidMessageException;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolCall;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A guard converts the messages a history shares with the last one it converted only once, and its
 * answer is always the whole conversion's: a longer list, another list, and the approvals the reused
 * messages left waiting (a client tool's result after them is its answer, a second one is not).
 */
class CoreConversionsTest {

  private static List<ChatMessage> plus(List<ChatMessage> list, ChatMessage... more) {
    List<ChatMessage> out = new ArrayList<>(list);
    out.addAll(List.of(more));
    return out;
  }

  @Test
  void theSharedStartIsReusedAndTheAnswerIsTheWholeConversions() {
    CoreConversions conversions = new CoreConversions();
    List<ChatMessage> first = List.of(UserMessage.from("q"), AiMessage.from("a"));
    List<Message> one = conversions.toCore(first);
    assertThat(one).isEqualTo(Messages.toCore(first));

    List<ChatMessage> longer = plus(first, UserMessage.from("q2"));
    List<Message> two = conversions.toCore(longer);
    assertThat(two).isEqualTo(Messages.toCore(longer));
    assertThat(two.get(0)).isSameAs(one.get(0)); // reused, not converted again
    assertThat(two.get(1)).isSameAs(one.get(1));

    // an equal message that is another instance is converted again
    List<ChatMessage> copy = List.of(UserMessage.from("q"), AiMessage.from("a"), UserMessage.from("q2"));
    List<Message> three = conversions.toCore(copy);
    assertThat(three).isEqualTo(two);
    assertThat(three.get(0)).isNotSameAs(two.get(0));

    // another conversation, then a shorter list
    List<ChatMessage> other = List.of(UserMessage.from("elsewhere"));
    assertThat(conversions.toCore(other)).isEqualTo(Messages.toCore(other));
    assertThat(conversions.toCore(copy.subList(0, 1))).isEqualTo(Messages.toCore(copy.subList(0, 1)));
    assertThatThrownBy(() -> three.add(null)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void approvalsTheReusedMessagesLeftWaitingAreAnsweredByTheNewOnes() {
    // a client tool's call waits in the assistant message; the application's result answers it once
    List<ChatMessage> waiting = Messages.toLangChain4j(List.of(Message.user("look it up"),
        Message.assistant(ApprovalRequest.of(ToolCall.of("c1", "lookup", "{}")))));
    CoreConversions conversions = new CoreConversions();
    conversions.toCore(waiting);

    List<ChatMessage> answered = plus(waiting, ToolExecutionResultMessage.from("c1", "lookup", "42"));
    List<Message> core = conversions.toCore(answered);
    assertThat(core).isEqualTo(Messages.toCore(answered));
    assertThat(core.get(2).role()).isEqualTo(Role.USER);
    assertThat(core.get(2).contents().get(0)).isInstanceOf(ApprovalResponse.class);

    // reused with its answer: a second result of c1 answers nothing any more
    List<ChatMessage> again = plus(answered, AiMessage.from("It is 42."),
        ToolExecutionResultMessage.from("c1", "lookup", "43"));
    List<Message> later = conversions.toCore(again);
    assertThat(later).isEqualTo(Messages.toCore(again));
    assertThat(later.get(4).role()).isEqualTo(Role.TOOL);
  }

  @Test
  void aNullListOrMessageIsRefusedAsWithoutTheCache() {
    CoreConversions conversions = new CoreConversions();
    assertThatThrownBy(() -> conversions.toCore(null)).isInstanceOf(InvalidMessageException.class)
        .hasMessage("the list of LangChain4j messages is null");
    List<ChatMessage> withNull = new ArrayList<>();
    withNull.add(UserMessage.from("q"));
    withNull.add(null);
    assertThatThrownBy(() -> conversions.toCore(withNull)).isInstanceOf(InvalidMessageException.class)
        .hasMessage("LangChain4j message 1 is null; leave it out");
  }
}
