package dev.toolguard.core.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.Content;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Message;
import dev.toolguard.core.ProviderView;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

/**
 * An in-memory model for loop tests: answers from a script, and checks like a strict provider that
 * every request it gets is valid and holds no informational content.
 */
public final class ScriptedBackend implements ChatBackend {

  private final Deque<Function<ChatRequest, Message>> script = new ArrayDeque<>();
  final List<ChatRequest> requests = Collections.synchronizedList(new ArrayList<>());

  ScriptedBackend then(Message answer) {
    script.add(r -> answer);
    return this;
  }

  public ScriptedBackend thenCalls(ToolCall... calls) {
    return then(Message.assistant((Content[]) calls));
  }

  public ScriptedBackend thenText(String text) {
    return then(Message.assistant(text));
  }

  public ScriptedBackend thenFail(RuntimeException e) {
    script.add(r -> {
      throw e;
    });
    return this;
  }

  ScriptedBackend thenAnswer(Function<ChatRequest, Message> f) {
    script.add(f);
    return this;
  }

  @Override
  public ChatResponse send(ChatRequest request) {
    requests.add(request);
    assertThat(HistoryGuard.ofDefaults().check(request.history())).as("the backend got a valid history").isEmpty();
    assertThat(ProviderView.of(request.history())).as("no informational content is sent")
        .isSameAs(request.history());
    Function<ChatRequest, Message> next = script.poll();
    if (next == null) {
      return ChatResponse.of(Message.assistant("(no script left)"));
    }
    return ChatResponse.of(next.apply(request));
  }

  @Override
  public ChatResponse stream(ChatRequest request, StreamHandler handler) {
    ChatResponse response = send(request);
    for (Content c : response.message().contents()) {
      if (c instanceof Text t) {
        for (String word : t.text().split("(?<= )")) {
          handler.onText(word);
        }
      }
    }
    return response;
  }

  public ChatRequest last() {
    return requests.get(requests.size() - 1);
  }
}
