package dev.toolguard.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.toolguard.testkit.Reply;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A history that a window cut to start with the assistant's greeting, run by the {@link ToolLoop}:
 * nothing said is dropped, and each provider gets a body it accepts (Anthropic a user turn first).
 */
class CutHistoryTest extends RefereeTest {

  @ParameterizedTest
  @EnumSource(Provider.class)
  void aHistoryStartingWithTheAssistantKeepsTheGreetingAndIsAccepted(Provider provider) {
    referee.script().enqueue(Reply.text("Noon."));
    List<ChatMessage> cut = List.of(SystemMessage.from("Be brief."), AiMessage.from("Hello! How can I help?"),
        UserMessage.from("What's the time?"));
    ToolLoop.Result r = provider.streaming() ? loop(provider).build().stream(cut, s -> { })
        : loop(provider).build().run(cut);
    assertThat(r.text()).isEqualTo("Noon.");
    assertThat(referee.rejections()).isEmpty();
    assertThat(r.messages()).contains(AiMessage.from("Hello! How can I help?"));
    boolean anthropic = provider == Provider.ANTHROPIC || provider == Provider.ANTHROPIC_STREAMING;
    assertThat(r.loopResult().repairs()).hasSize(anthropic ? 1 : 0);
  }
}
