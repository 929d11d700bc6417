package dev.toolguard.springai;

import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.ProviderView;
import dev.toolguard.core.Violation;
import dev.toolguard.springai.internal.MessageMapper;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;
import reactor.core.publisher.Flux;

/**
 * A chat model for unit tests: it answers from a script and, like a provider, refuses a history
 * that breaks the tool call invariant (the referee tests check the real wire format).
 */
final class ScriptedChatModel implements ChatModel {

  private final Deque<AssistantMessage> script = new ArrayDeque<>();
  final List<Prompt> prompts = Collections.synchronizedList(new ArrayList<>());

  ScriptedChatModel reply(AssistantMessage... replies) {
    script.addAll(List.of(replies));
    return this;
  }

  static AssistantMessage text(String text) {
    return new AssistantMessage(text);
  }

  static AssistantMessage calls(AssistantMessage.ToolCall... calls) {
    return AssistantMessage.builder().content("").toolCalls(List.of(calls)).build();
  }

  static AssistantMessage.ToolCall call(String id, String name, String args) {
    return new AssistantMessage.ToolCall(id, "function", name, args);
  }

  /** The names of the tools offered in request {@code i}. */
  List<String> toolsOffered(int i) {
    ChatOptions options = prompts.get(i).getOptions();
    List<String> names = new ArrayList<>();
    if (options instanceof ToolCallingChatOptions tco && tco.getToolCallbacks() != null) {
      for (ToolCallback cb : tco.getToolCallbacks()) {
        names.add(cb.getToolDefinition().name());
      }
    }
    return names;
  }

  @Override
  public ChatOptions getOptions() {
    return ToolCallingChatOptions.builder().build();
  }

  @Override
  public ChatResponse call(Prompt prompt) {
    return new ChatResponse(List.of(new Generation(next(prompt))));
  }

  @Override
  public Flux<ChatResponse> stream(Prompt prompt) {
    AssistantMessage answer = next(prompt);
    List<ChatResponse> chunks = new ArrayList<>();
    String text = answer.getText() == null ? "" : answer.getText();
    int half = text.length() / 2;
    if (!text.isEmpty()) {
      chunks.add(chunk(new AssistantMessage(text.substring(0, half))));
      chunks.add(chunk(new AssistantMessage(text.substring(half))));
    }
    if (answer.hasToolCalls()) {
      chunks.add(chunk(AssistantMessage.builder().content("").toolCalls(answer.getToolCalls()).build()));
    }
    return Flux.fromIterable(chunks);
  }

  private static ChatResponse chunk(AssistantMessage m) {
    return new ChatResponse(List.of(new Generation(m)));
  }

  private synchronized AssistantMessage next(Prompt prompt) {
    prompts.add(prompt);
    List<Violation> violations = HistoryGuard.ofDefaults()
        .check(ProviderView.of(new MessageMapper().toCore(prompt.getInstructions())));
    if (!violations.isEmpty()) {
      throw new IllegalStateException("400 invalid history: " + violations);
    }
    AssistantMessage answer = script.poll();
    if (answer == null) {
      throw new IllegalStateException("the script has no more answers");
    }
    return answer;
  }
}
