package dev.toolguard.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void canonicalFormSortsKeysAndDropsWhiteSpace() {
    assertThat(Json.canonical("{ \"b\": [1, 2.5e3, true, null], \"a\": \"x\\u0041\\n\" }"))
        .isEqualTo("{\"a\":\"xA\\n\",\"b\":[1,2.5e3,true,null]}");
  }

  @Test
  void sameValueIgnoresKeyOrderAndWhiteSpaceButNotValues() {
    assertThat(Json.sameValue("{\"a\":1,\"b\":2}", "{\"b\":2, \"a\":1}")).isTrue();
    assertThat(Json.sameValue("{\"a\":1}", "{\"a\":2}")).isFalse();
    assertThat(Json.sameValue("not json", "not json")).isTrue();
    assertThat(Json.sameValue("not json", "not  json")).isFalse();
  }

  @Test
  void rejectsWhatIsNotOneJsonValue() {
    for (String bad : new String[] {"", "{", "{\"a\" 1}", "[1,]", "01", "1 2", "\"\u0001\"", "tru", "{a:1}",
        "\"\\x\""}) {
      assertThat(Json.canonical(bad)).as(bad).isNull();
    }
    assertThat(Json.isObject("{}")).isTrue();
    assertThat(Json.isObject("[]")).isFalse();
  }

  @Test
  void deepNestingIsNotJsonRatherThanAStackOverflow() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    assertThat(Json.canonical(deep)).isNull();
    String ok = "[".repeat(200) + "]".repeat(200);
    assertThat(Json.canonical(ok)).isEqualTo(ok);
  }
}
