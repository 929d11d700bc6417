package dev.toolguard.json.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolguard.json.WireFormatException;
import dev.toolguard.testkit.properties.PropertyBudget;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.PropagationMode;
import org.junit.jupiter.api.Test;

/** The plain-JSON fast paths give exactly what Jackson gives, or leave the text to Jackson. */
@AddLifecycleHook(value = PropertyBudget.class, propagateTo = PropagationMode.ALL_DESCENDANTS)
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

  /** Random JSON texts, and one in four cut or with a character inserted (then mostly not JSON). */
  @Provide
  Arbitrary<String> texts() {
    Arbitrary<String> json = json(0);
    Arbitrary<String> mangled = Combinators.combine(json, Arbitraries.integers().between(0, 10_000),
        Arbitraries.of(true, false), Arbitraries.of('"', '{', '}', '[', ']', ',', ':', '-', '.', 'e', '0', '\\', ' ', '\u00e9'))
        .as((text, where, cut, c) -> {
          int at = where % (text.length() + 1);
          return cut ? text.substring(0, at) : text.substring(0, at) + c + text.substring(at);
        });
    return Arbitraries.frequencyOf(Tuple.of(3, json), Tuple.of(1, mangled));
  }

  @Property(tries = 500)
  void randomTextsParseAndWriteAsJacksonDoes(@ForAll("texts") String text) {
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

  /** A JSON value nested at most four deep, with some spaces where JSON allows them. */
  private static Arbitrary<String> json(int depth) {
    Arbitrary<String> ws = Arbitraries.frequency(Tuple.of(4, ""), Tuple.of(1, " "));
    Arbitrary<String> string = strings();
    Arbitrary<String> integer = Arbitraries.oneOf(
        Arbitraries.of(0L, 1L, -1L, 9L, 10L, 2147483647L, 2147483648L, -2147483648L, -2147483649L,
            999999999999999999L, Long.MAX_VALUE, Long.MIN_VALUE).map(n -> Long.toString(n)),
        Arbitraries.integers().map(n -> Integer.toString(n)));
    Arbitrary<String> decimal = Arbitraries.of("1.0", "1.50", "-0.0", "1e3", "2E-2", "0.1", "123456789012345678901234567890");
    Arbitrary<String> literal = Arbitraries.of("true", "false", "null");
    Arbitrary<String> padded = Combinators.combine(ws, string, ws).as((a, s, b) -> a + s + b);
    Arbitrary<String> leaf = Arbitraries.oneOf(string, integer, decimal, literal, padded);
    if (depth > 3) {
      return leaf;
    }
    Arbitrary<String> inner = json(depth + 1);
    Arbitrary<String> object = Combinators.combine(ws,
        Combinators.combine(strings(), inner).as((k, v) -> new String[] {k, v}).list().ofMaxSize(3))
        .as((w, members) -> {
          StringBuilder sb = new StringBuilder("{");
          for (int i = 0; i < members.size(); i++) {
            sb.append(i > 0 ? "," : "").append(w).append(members.get(i)[0]).append(w).append(':').append(members.get(i)[1]);
          }
          return sb.append(w).append('}').toString();
        });
    Arbitrary<String> array = Combinators.combine(ws, inner.list().ofMaxSize(3)).as((w, items) -> {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < items.size(); i++) {
        sb.append(i > 0 ? "," : "").append(w).append(items.get(i));
      }
      return sb.append(']').toString();
    });
    return Arbitraries.frequencyOf(Tuple.of(1, object), Tuple.of(1, array), Tuple.of(5, leaf));
  }

  /** A JSON string of up to five characters: escapes, control characters, non-ASCII and JSON punctuation. */
  private static Arbitrary<String> strings() {
    return Arbitraries.of("a", "b", " ", "z", "0", "9", "\\\"", "\\n", "\\\\", "/", "\\u0001", "\\t", "\u00e9", "\u20ac",
        "\ud83d\ude00", "{", "}", "[", "]", ",", ":").list().ofMaxSize(5).map(parts -> "\"" + String.join("", parts) + "\"");
  }
}
