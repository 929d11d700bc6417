package dev.toolguard.core.loop;

/**
 * The model behind the loop: one request in, one response out. Each adapter implements it over its
 * framework's client; toolguard-json implements it over HTTP for each provider dialect.
 *
 * <p>The loop hands a backend only valid histories without informational contents. A backend may
 * still guard what it sends (toolguard-json's HTTP backends hold bodies to the dialect's limits).
 */
public interface ChatBackend {

  /**
   * Sends {@code request} and returns the model's answer.
   *
   * @throws RuntimeException any failure of the provider or the transport
   */
  ChatResponse send(ChatRequest request);

  /**
   * Sends {@code request} streaming: text reaches {@code handler} as it arrives; tool call pieces
   * are put together; the return value is the whole answer. The default sends without streaming and
   * hands the text over in one piece.
   */
  default ChatResponse stream(ChatRequest request, StreamHandler handler) {
    ChatResponse response = send(request);
    String text = response.message().text();
    if (!text.isEmpty()) {
      handler.onText(text);
    }
    return response;
  }
}
