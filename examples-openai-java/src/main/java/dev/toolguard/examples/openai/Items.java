package dev.toolguard.examples.openai;

import com.openai.core.JsonValue;
import com.openai.core.ObjectMappers;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Responses input items built with openai-java's own builders, as an application stores them. */
final class Items {

  private Items() {}

  static ResponseInputItem user(String text) {
    return ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder()
        .role(EasyInputMessage.Role.USER).content(text).build());
  }

  static ResponseInputItem output(String callId, String output) {
    return ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
        .callId(callId).output(output).build());
  }

  /**
   * The output of {@code response} as input items, the way an application appends a response to its
   * history: each output item read as the input item of the same JSON.
   */
  static List<ResponseInputItem> asInput(Response response) {
    List<ResponseInputItem> items = new ArrayList<>();
    for (ResponseOutputItem item : response.output()) {
      items.add(ObjectMappers.jsonMapper().convertValue(item, ResponseInputItem.class));
    }
    return items;
  }

  /** The first function call among the output of {@code response}. */
  static ResponseFunctionToolCall firstCall(Response response) {
    return response.output().stream().filter(ResponseOutputItem::isFunctionCall).map(ResponseOutputItem::asFunctionCall)
        .findFirst().orElseThrow(() -> new IllegalStateException("the model asked for no tool: " + text(response)));
  }

  /** The text the model answered. */
  static String text(Response response) {
    StringBuilder text = new StringBuilder();
    for (ResponseOutputItem item : response.output()) {
      if (item.isMessage()) {
        item.asMessage().content().forEach(c -> c.outputText().ifPresent(t -> text.append(t.text())));
      }
    }
    return text.toString();
  }

  /** The tour's {@code pay} tool, as a Responses function tool. */
  static FunctionTool payTool() {
    return FunctionTool.builder()
        .name("pay")
        .description("Pays an amount in EUR to a person")
        .parameters(FunctionTool.Parameters.builder()
            .putAdditionalProperty("type", JsonValue.from("object"))
            .putAdditionalProperty("properties", JsonValue.from(Map.of(
                "to", Map.of("type", "string"), "amount", Map.of("type", "number"))))
            .putAdditionalProperty("required", JsonValue.from(List.of("to", "amount")))
            .build())
        .strict(false)
        .build();
  }
}
