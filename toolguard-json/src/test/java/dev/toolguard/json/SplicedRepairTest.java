package dev.toolguard.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.Dialect;
import dev.toolguard.json.internal.Json;
import org.junit.jupiter.api.Test;

/**
 * Repair writes only the messages it changed: the messages it left as they were go out as the very
 * text that came in (spacing, key order, escapes and number forms included), which a codec that
 * wrote them again could not produce; the whole is the same JSON value as the repaired request
 * written whole.
 */
class SplicedRepairTest {

  private static final WireGuard GUARD = WireGuard.ofDefaults();

  /** Written by hand: spaces, an escaped é, keys in an odd order; no codec writes it like this. */
  private static final String ODD_USER = "{ \"content\" : \"caf\\u00e9 au lait?\",  \"role\":\"user\" }";
  private static final String ODD_ASSISTANT = "{\"content\":\"Yes \\u2014 two.\" , \"role\" : \"assistant\"}";

  @Test
  void openAiChatUnchangedMessagesAreCopiedAsTheyCame() {
    String call = "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
        + "\"function\":{\"name\":\"order\",\"arguments\":\"{\\\"n\\\":2}\"}}]}";
    String body = "{\"model\":\"gpt-4.1\",  \"temperature\" : 1.0E0,\n \"messages\" : [\n  " + ODD_USER + ",\n  "
        + ODD_ASSISTANT + ",\n  " + ODD_USER + ",\n  " + call + "\n ]\n}";
    WireRepair repair = GUARD.repair(Dialect.OPENAI_CHAT, body);
    assertThat(repair.changed()).isTrue();
    // the messages before the synthesized result, with what stands between them, and the text around
    // the history, as they came
    assertThat(repair.body()).startsWith("{\"model\":\"gpt-4.1\",  \"temperature\" : 1.0E0,\n \"messages\" : ["
        + ODD_USER + ",\n  " + ODD_ASSISTANT + ",\n  " + ODD_USER + ",\n  " + call + ",");
    assertThat(repair.body()).endsWith("]\n}");
    // the synthesized result is written; the whole is the repaired request's JSON value
    assertThat(Json.parse(repair.body())).isEqualTo(Json.parse(WireCodec.of(Dialect.OPENAI_CHAT).write(repair.request())));
    assertThat(GUARD.check(Dialect.OPENAI_CHAT, repair.body())).isEmpty();
  }

  @Test
  void onlyTheChangedMessageIsWrittenInTheMiddleOfAHistory() {
    // a duplicated tool message in the middle: removed; the messages on both sides stay as they came
    String call = "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
        + "\"function\":{\"name\":\"order\",\"arguments\":\"{}\"}}]}";
    String result = "{ \"role\":\"tool\", \"tool_call_id\":\"call_1\", \"content\":\"ok\" }";
    String body = "{\"model\":\"gpt-4.1\",\"messages\":[" + ODD_USER + "," + call + "," + result + "," + result + ","
        + ODD_ASSISTANT + "," + ODD_USER + "]}";
    WireRepair repair = GUARD.repair(Dialect.OPENAI_CHAT, body);
    assertThat(repair.actions()).extracting(WireAction::kind).containsExactly(dev.toolguard.core.RepairAction.Kind.DEDUPLICATE);
    assertThat(repair.body()).isEqualTo("{\"model\":\"gpt-4.1\",\"messages\":[" + ODD_USER + "," + call + "," + result
        + "," + ODD_ASSISTANT + "," + ODD_USER + "]}");
  }

  @Test
  void anthropicTurnsThatRepairMergesAreWrittenAndTheRestCopied() {
    String use = "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get\","
        + "\"input\":{ \"city\" : \"Paris\" }}]}";
    String result = "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\","
        + "\"content\":\"sunny\"}]}";
    String typed = "{\"role\":\"user\",\"content\":\"hurry\"}";
    String body = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"messages\":[" + ODD_USER + "," + ODD_ASSISTANT
        + "," + ODD_USER + "," + use + "," + typed + "," + result + "]}";
    WireRepair repair = GUARD.repair(Dialect.ANTHROPIC, body);
    assertThat(repair.changed()).isTrue();
    assertThat(repair.body()).startsWith("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"messages\":["
        + ODD_USER + "," + ODD_ASSISTANT + "," + ODD_USER + "," + use + ",");
    assertThat(Json.parse(repair.body())).isEqualTo(Json.parse(WireCodec.of(Dialect.ANTHROPIC).write(repair.request())));
    assertThat(GUARD.check(Dialect.ANTHROPIC, repair.body())).isEmpty();
  }

  @Test
  void openAiResponsesItemsLeftAsTheyWereAreCopied() {
    String user = "{ \"role\" : \"user\", \"content\" : \"caf\\u00e9?\" }";
    String call = "{\"type\":\"function_call\",\"call_id\":\"call_1\",\"name\":\"order\",\"arguments\":\"{}\"}";
    String output = "{\"type\":\"function_call_output\",\"call_id\":\"call_1\",\"output\":\"ok\"}";
    String stray = "{\"type\":\"function_call_output\",\"call_id\":\"call_gone\",\"output\":\"old\"}";
    String body = "{\"model\":\"gpt-5\",\"input\":[" + stray + "," + user + "," + call + "," + output + "," + user + "]}";
    WireRepair repair = GUARD.repair(Dialect.OPENAI_RESPONSES, body);
    assertThat(repair.body()).isEqualTo("{\"model\":\"gpt-5\",\"input\":[" + user + "," + call + "," + output + ","
        + user + "]}");
  }

  @Test
  void aStringInputIsWrittenWhole() {
    // nothing to splice: the history is not an array in the text
    String body = "{\"model\":\"gpt-5\",\"input\":\"hello\"}";
    assertThat(GUARD.repair(Dialect.OPENAI_RESPONSES, body).body()).isSameAs(body);
  }
}
