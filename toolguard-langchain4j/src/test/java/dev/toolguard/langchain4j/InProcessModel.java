package dev.toolguard.langchain4j;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.toolguard.core.HistoryGuard;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-process LangChain4j model for unit tests: it answers with scripted {@code AiMessage}s (in
 * order), records every request its {@code doChat} gets, and can refuse a request whose history breaks
 * the invariant, as a provider would. The tests that need a real provider talk to the testkit referee.
 */
final class InProcessModel implements ChatModel, StreamingChatModel {

  final Deque<AiMessage> answers = new ArrayDeque<>();
  final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
  final List<ChatModelListener> listeners = new ArrayList<>();
  ChatRequestParameters defaults = ChatRequestParameters.builder().modelName("scripted").build();
  boolean strict = true;

  static InProcessModel answering(AiMessage... answers) {
    InProcessModel m = new InProcessModel();
    m.answers.addAll(List.of(answers));
    return m;
  }

  InProcessModel then(AiMessage answer) {
    answers.add(answer);
    return this;
  }

  List<ChatMessage> lastMessages() {
    return requests.get(requests.size() - 1).messages();
  }

  @Override
  public ChatResponse doChat(ChatRequest request) {
    requests.add(request);
    if (strict) {
      var violations = HistoryGuard.ofDefaults().check(LangChain4jToolGuard.toCore(request.messages()));
      if (!violations.isEmpty()) {
        throw new IllegalStateException("400 " + violations.get(0));
      }
    }
    AiMessage answer = answers.poll();
    if (answer == null) {
      throw new IllegalStateException("the script has no more answers");
    }
    return ChatResponse.builder().aiMessage(answer).modelName("scripted").build();
  }

  @Override
  public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
    ChatResponse response;
    try {
      response = doChat(request);
    } catch (RuntimeException e) {
      handler.onError(e);
      return;
    }
    String text = response.aiMessage().text();
    if (text != null) {
      for (String word : text.split("(?<= )")) {
        handler.onPartialResponse(word);
      }
    }
    handler.onCompleteResponse(response);
  }

  @Override
  public ChatRequestParameters defaultRequestParameters() {
    return defaults;
  }

  @Override
  public List<ChatModelListener> listeners() {
    return listeners;
  }

  @Override
  public ModelProvider provider() {
    return ModelProvider.OPEN_AI;
  }

  @Override
  public Set<Capability> supportedCapabilities() {
    return Set.of(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
  }
}
