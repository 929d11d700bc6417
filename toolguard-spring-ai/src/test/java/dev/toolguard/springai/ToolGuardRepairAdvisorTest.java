package dev.toolguard.springai;

import static dev.toolguard.springai.ScriptedChatModel.call;
import static dev.toolguard.springai.ScriptedChatModel.calls;
import static dev.toolguard.springai.ScriptedChatModel.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolguard.core.RepairAction;
import dev.toolguard.core.RepairResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;

class ToolGuardRepairAdvisorTest {

  /** A user message between a call and its result, as a chat UI that let the user type produces. */
  static List<Message> interleaved() {
    return List.of(new UserMessage("weather?"), calls(call("call_1", "weather", "{\"city\":\"Paris\"}")),
        new UserMessage("and tomorrow?"),
        ToolResponseMessage.builder()
            .responses(List.of(new ToolResponseMessage.ToolResponse("call_1", "weather", "sunny"))).build());
  }

  @Test
  void repairsTheHistoryBeforeTheModelUnderSpringAisOwnToolLoop() {
    ScriptedChatModel bareModel = new ScriptedChatModel().reply(text("x"));
    ChatClient bare = ChatClient.builder(bareModel).build();
    assertThatThrownBy(() -> bare.prompt().messages(interleaved()).call().content()).hasMessageContaining("400");

    List<RepairResult> repairs = new ArrayList<>();
    ScriptedChatModel model = new ScriptedChatModel().reply(calls(call("call_2", "weather", "{\"city\":\"Rome\"}")),
        text("Sunny in both."));
    ToolGuardAdvisorTest.Weather weather = new ToolGuardAdvisorTest.Weather();
    ChatClient guarded = ChatClient.builder(model)
        .defaultAdvisors(ToolGuardRepairAdvisor.create().withListener(repairs::add)).build();

    String answer = guarded.prompt().messages(interleaved()).tools(weather).call().content();

    assertThat(answer).isEqualTo("Sunny in both.");
    assertThat(weather.calls).hasValue(1); // Spring AI's loop ran the tool, once
    assertThat(repairs).isNotEmpty();
    assertThat(repairs.get(0).actions()).extracting(RepairAction::kind).contains(RepairAction.Kind.MOVE);
    List<Message> sent = model.prompts.get(0).getInstructions();
    assertThat(sent.get(2)).isInstanceOf(ToolResponseMessage.class);
    assertThat(sent.get(3).getText()).isEqualTo("and tomorrow?");
    assertThat(model.prompts.get(1).getInstructions()).hasSize(6);
  }

  @Test
  void aValidRequestPassesUntouched() {
    ScriptedChatModel model = new ScriptedChatModel().reply(text("ok"));
    List<Message> history = List.of(new UserMessage("hi"), new AssistantMessage("hello"), new UserMessage("bye"));
    ChatClient client = ChatClient.builder(model).defaultAdvisors(ToolGuardRepairAdvisor.create()).build();

    client.prompt().messages(history).call().content();

    List<Message> sent = model.prompts.get(0).getInstructions();
    for (int i = 0; i < history.size(); i++) {
      assertThat(sent.get(i)).isSameAs(history.get(i));
    }
  }
}
