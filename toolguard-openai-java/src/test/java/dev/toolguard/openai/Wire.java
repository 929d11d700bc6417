package dev.toolguard.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.ObjectMappers;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageParam;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseInputItem;
import java.io.UncheckedIOException;
import java.util.List;

/** openai-java objects from wire JSON (single quotes allowed for readability), and back. */
final class Wire {
  private Wire() {}

  static String q(String json) {
    return json.replace('\'', '"');
  }

  static List<ChatCompletionMessageParam> chat(String json) {
    return read(json, new TypeReference<List<ChatCompletionMessageParam>>() {});
  }

  static List<ResponseInputItem> items(String json) {
    return read(json, new TypeReference<List<ResponseInputItem>>() {});
  }

  static Response response(String json) {
    return read(json, new TypeReference<Response>() {});
  }

  static ChatCompletionCreateParams chatParams(String messagesJson) {
    return ChatCompletionCreateParams.builder().model("gpt-test").messages(chat(messagesJson)).build();
  }

  static ResponseCreateParams responsesParams(String itemsJson) {
    return ResponseCreateParams.builder().model("gpt-test").inputOfResponse(items(itemsJson)).build();
  }

  static JsonNode tree(Object value) {
    return ObjectMappers.jsonMapper().valueToTree(value);
  }

  /** The messages of {@code params} as wire JSON. */
  static JsonNode messages(ChatCompletionCreateParams params) {
    return tree(params.messages());
  }

  /** The input items of {@code params} as wire JSON. */
  static JsonNode input(ResponseCreateParams params) {
    return tree(params.input().orElseThrow().asResponse());
  }

  static JsonNode json(String json) {
    try {
      return ObjectMappers.jsonMapper().readTree(q(json));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <T> T read(String json, TypeReference<T> type) {
    try {
      return ObjectMappers.jsonMapper().readValue(q(json), type);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
