package dev.toolguard.json.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolguard.json.WireFormatException;
import dev.toolguard.json.Choices;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** The plain-JSON fast paths give exactly what Jackson gives, or leave the text to Jackson. */
class JsonFastPathsTest {

  private static final List<String> CASES = List.of(
      "{}", "[]", "{\"query\":\"q0\",\"limit\":5}", " { \"a\" : [ 1 , 2 , {\"b\":null} ] } ", "\"text\"", "0", "-0",
      "-1", "007", "1.5", "1e5", "1E+2", "-", "+1", "2147483647", "2147483648", "-2147483648", "-2147483649",
      "999999999999999999", "9999999999999999999", "123456789012345678901234567890", "true", "false", "null",
      "trueX", "nul", "{\"a\":1,\"a\":2}", "{\"a\":1}x", "{\"a\":1} ", "{\"a\" 1}", "{\"a\":1,}", "[1,]", "[1 2]",
      "{\"é\":\"ü\"}", "{\"a\":\"line\\nbreak\"}", "{\"a\":\"quote\\\"\"}", "{\"a\":\"\\u0041\"}", "\"\t\"", "",
      "   ", "{\"a\":{\"b\":{\"c\":[true,false,null,\"\"]}}}", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
      "{\"n\":-12,\"m\":1234567890123}", "\"\\/\"", "{\"\":\"\"}", "1 2", "01.0");

  @Test
  void parseValueGivesJacksonsTreeOrJacksonsError() {
    for (String text : CASES) {
      assertSameAsJackson(text);
    }
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<Choices> choices() {
    return Choices.arbitrary();
  }

  @Property(tries = 500)
  void randomTextsParseAndWriteAsJacksonDoes(@ForAll("choices") Choices random) {
    String text = randomJson(random, 0);
    if (random.nextInt(4) == 0) {
      // a random cut or insertion: mostly not JSON any more
      int at = random.nextInt(text.length() + 1);
      text = random.nextBoolean() ? text.substring(0, at)
          : text.substring(0, at) + "\"{}[],:-.e0\\ \u00e9".charAt(random.nextInt(14)) + text.substring(at);
    }
    assertSameAsJackson(text);
  }

  private static void assertSameAsJackson(String text) {
    JsonNode jackson;
    try {
      jackson = Json.parse(text);
    } catch (WireFormatException e) {
      assertThat(Json.isPlainCompact(text)).as(text).isFalse();
      assertThatThrownBy(() -> Json.parseValue(text)).as(text).isInstanceOf(WireFormatException.class)
          .hasMessage(e.getMessage());
      return;
    }
    JsonNode fast = Json.parseValue(text);
    assertThat(fast).as(text).isEqualTo(jackson);
    if (Json.isPlainCompact(text)) {
      // written as it is when a body is only serialized: it must be what writing the tree gives
      assertThat(Json.write(Json.raw(text))).as(text).isEqualTo(Json.write(jackson));
    }
    assertThat(Json.compact(fast)).as(text).isEqualTo(Json.write(jackson));
    // the Anthropic writer's test that arguments are still a template's input: true for plain
    // trees and their compact text, and only for the text that writing the tree gives
    String written = Json.write(jackson);
    if (Json.isPlainCompact(written)) {
      assertThat(Json.isCompactOf(jackson, written)).as(text).isTrue();
    }
    if (Json.isCompactOf(jackson, text)) {
      assertThat(text).isEqualTo(written);
    }
    assertThat(Json.isCompactOf(jackson, written.substring(0, written.length() - 1))).as(text).isFalse();
    assertThat(Json.isCompactOf(jackson, written + " ")).as(text).isFalse();
    assertSameNodeTypes(fast, jackson, text);
  }

  private static void assertSameNodeTypes(JsonNode a, JsonNode b, String text) {
    assertThat(a.getClass()).as(text).isEqualTo(b.getClass());
    if (a.isContainerNode()) {
      assertThat(a.size()).isEqualTo(b.size());
      if (a.isObject()) {
        assertThat(a.fieldNames()).toIterable().containsExactlyElementsOf(() -> b.fieldNames());
        a.fieldNames().forEachRemaining(f -> assertSameNodeTypes(a.get(f), b.get(f), text));
      } else {
        for (int i = 0; i < a.size(); i++) {
          assertSameNodeTypes(a.get(i), b.get(i), text);
        }
      }
    }
  }

  private static String randomJson(Choices r, int depth) {
    int kind = depth > 3 ? 2 + r.nextInt(5) : r.nextInt(7);
    String ws = r.nextInt(5) == 0 ? " " : "";
    switch (kind) {
      case 0: {
        StringBuilder sb = new StringBuilder("{");
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
          sb.append(i > 0 ? "," : "").append(ws).append(randomString(r)).append(ws).append(':')
              .append(randomJson(r, depth + 1));
        }
        return sb.append(ws).append('}').toString();
      }
      case 1: {
        StringBuilder sb = new StringBuilder("[");
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
          sb.append(i > 0 ? "," : "").append(ws).append(randomJson(r, depth + 1));
        }
        return sb.append(']').toString();
      }
      case 2:
        return randomString(r);
      case 3: {
        long[] edges = {0, 1, -1, 9, 10, 2147483647L, 2147483648L, -2147483648L, -2147483649L,
            999999999999999999L, Long.MAX_VALUE, Long.MIN_VALUE};
        return r.nextBoolean() ? Long.toString(edges[r.nextInt(edges.length)]) : Integer.toString(r.nextInt(1 << 30) - (1 << 29));
      }
      case 4:
        return new String[] {"1.0", "1.50", "-0.0", "1e3", "2E-2", "0.1", "123456789012345678901234567890"}[r.nextInt(7)];
      case 5:
        return new String[] {"true", "false", "null"}[r.nextInt(3)];
      default:
        return ws + randomString(r) + ws;
    }
  }

  private static String randomString(Choices r) {
    String alphabet = "ab z09\"\\/\n\t\u00e9\u20ac\ud83d\ude00\u0001{}[],:";
    StringBuilder sb = new StringBuilder("\"");
    int n = r.nextInt(6);
    for (int i = 0; i < n; i++) {
      char c = alphabet.charAt(r.nextInt(alphabet.length()));
      if (c == '"' || c == '\\') {
        sb.append('\\').append(r.nextBoolean() ? c : 'n');
      } else if (c < 0x20) {
        sb.append(r.nextBoolean() ? "\\u0001" : "\\t");
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}
