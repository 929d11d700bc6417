package dev.toolguard.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.Dialect;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The ids each dialect takes, and the exact ids derived for one that breaks a rule, against the
 * documented scheme computed here with the JDK alone (SHA-256, hex, base 62): the plain {@code id_2}
 * where it fits, else the id with other characters made {@code _} (Anthropic, Bedrock), else a hashed
 * form, the next hash ({@code id#1}, …) when one is taken.
 */
class CallIdsTest {

  private static byte[] sha256(String s) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String hex(String s, int chars) throws Exception {
    return HexFormat.of().formatHex(sha256(s)).substring(0, chars);
  }

  /** The first {@code n} base-62 digits of the digest read as an unsigned number, least significant first. */
  private static String base62(String s, int n) throws Exception {
    String digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    BigInteger v = new BigInteger(1, sha256(s));
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(digits.charAt(v.mod(BigInteger.valueOf(62)).intValue()));
      v = v.divide(BigInteger.valueOf(62));
    }
    return sb.toString();
  }

  /** A claim that takes any id not in {@code taken}, once. */
  private static Predicate<String> free(String... taken) {
    Set<String> used = new HashSet<>(Set.of(taken));
    return used::add;
  }

  @Test
  void theLengthRulesCountCodePointsAtTheirEdges() {
    assertThat(CallIds.accepts(Dialect.OPENAI_CHAT, "c".repeat(40))).isTrue();
    assertThat(CallIds.accepts(Dialect.OPENAI_CHAT, "c".repeat(41))).isFalse();
    assertThat(CallIds.accepts(Dialect.OPENAI_CHAT, "\uD83D\uDE00".repeat(40))).isTrue(); // 80 chars, 40 code points
    assertThat(CallIds.accepts(Dialect.OPENAI_RESPONSES, "c".repeat(64))).isTrue();
    assertThat(CallIds.accepts(Dialect.OPENAI_RESPONSES, "c".repeat(65))).isFalse();
    assertThat(CallIds.accepts(Dialect.OPENAI_RESPONSES, "\uD83D\uDE00".repeat(64))).isTrue();
    assertThat(CallIds.accepts(Dialect.BEDROCK_CONVERSE, "b".repeat(64))).isTrue();
    assertThat(CallIds.accepts(Dialect.BEDROCK_CONVERSE, "b".repeat(65))).isFalse();
    for (Dialect d : Dialect.values()) {
      assertThat(CallIds.accepts(d, "")).as("%s", d).isFalse();
    }
  }

  @Test
  void theWordAlphabetsEndExactlyAtTheirLetters() {
    assertThat(CallIds.accepts(Dialect.ANTHROPIC, "azAZ09_-")).isTrue();
    assertThat(CallIds.accepts(Dialect.MISTRAL, "azAZ09azA")).isTrue();
    for (String outside : new String[] {"`", "{", "@", "[", "/", ":", ".", " ", "é"}) {
      assertThat(CallIds.accepts(Dialect.ANTHROPIC, "a" + outside)).as(outside).isFalse();
      assertThat(CallIds.accepts(Dialect.BEDROCK_CONVERSE, "a" + outside)).as(outside).isFalse();
      assertThat(CallIds.accepts(Dialect.MISTRAL, "abcdefgh" + outside)).as(outside).isFalse();
    }
    assertThat(CallIds.accepts(Dialect.MISTRAL, "abcdefgh_")).isFalse();
    assertThat(CallIds.accepts(Dialect.MISTRAL, "abcdefgh-")).isFalse();
  }

  @Test
  void aPlainFormIsTakenWhereItFitsTheRule() {
    assertThat(CallIds.derive(Dialect.BEDROCK_CONVERSE, "tooluse_a", free("tooluse_a"))).isEqualTo("tooluse_a_2");
    assertThat(CallIds.derive(Dialect.OPENAI_CHAT, "call_1", free("call_1_2"))).isEqualTo("call_1_3");
    assertThat(CallIds.derive(null, "", free())).isEqualTo("toolguard_call_2");
    assertThat(CallIds.derive(Dialect.GEMINI, "any id: at all", free())).isEqualTo("any id: at all_2");
  }

  @Test
  void anIdWithOtherCharactersIsSanitizedForAnthropicAndBedrockAtEveryEdgeOfTheAlphabet() {
    // every character just outside a-z, A-Z and 0-9 becomes _, every one at an edge stays
    String base = "a`z{A@Z[0/9:_-.é";
    assertThat(CallIds.derive(Dialect.ANTHROPIC, base, free())).isEqualTo("a_z_A_Z_0_9__-__");
    assertThat(CallIds.derive(Dialect.BEDROCK_CONVERSE, base, free())).isEqualTo("a_z_A_Z_0_9__-__");
  }

  @Test
  void whenTheSanitizedFormIsTakenTheHashedOneFollows() throws Exception {
    assertThat(CallIds.derive(Dialect.ANTHROPIC, "call.1", free("call_1")))
        .isEqualTo("call_1_" + hex("call.1", 8));
    // and the next hash when that one is taken too
    assertThat(CallIds.derive(Dialect.ANTHROPIC, "call.1", free("call_1", "call_1_" + hex("call.1", 8))))
        .isEqualTo("call_1_" + hex("call.1#1", 8));
  }

  @Test
  void aBedrockIdTooLongIsCutToFitSixtyFourWithItsHash() throws Exception {
    String base = "x".repeat(70);
    String derived = CallIds.derive(Dialect.BEDROCK_CONVERSE, base, free());
    assertThat(derived).isEqualTo("x".repeat(55) + "_" + hex(base, 8)).hasSize(64);
    // Anthropic has no length rule: its sanitized form fits
    assertThat(CallIds.derive(Dialect.ANTHROPIC, "y".repeat(70) + ".", free())).isEqualTo("y".repeat(70) + "_");
  }

  @Test
  void anOpenAiIdTooLongIsCutWithItsHashToTheLimitInCodePoints() throws Exception {
    String chat = "c".repeat(39); // c…c_2 would be 41
    assertThat(CallIds.derive(Dialect.OPENAI_CHAT, chat, free())).isEqualTo("c".repeat(29) + "_" + hex(chat, 10))
        .hasSize(40);
    String responses = "r".repeat(63);
    assertThat(CallIds.derive(Dialect.OPENAI_RESPONSES, responses, free()))
        .isEqualTo("r".repeat(53) + "_" + hex(responses, 10)).hasSize(64);
    String emoji = "\uD83D\uDE00".repeat(39); // cut by code points, never inside a pair
    assertThat(CallIds.derive(Dialect.OPENAI_CHAT, emoji, free()))
        .isEqualTo("\uD83D\uDE00".repeat(29) + "_" + hex(emoji, 10));
  }

  @Test
  void aMistralIdIsNineBase62DigitsOfTheHashAndTheNextHashWhenTaken() throws Exception {
    String first = base62("call_0fypS1hVX", 9);
    assertThat(CallIds.derive(Dialect.MISTRAL, "call_0fypS1hVX", free())).isEqualTo(first);
    assertThat(CallIds.derive(Dialect.MISTRAL, "call_0fypS1hVX", free(first)))
        .isEqualTo(base62("call_0fypS1hVX#1", 9));
    assertThat(CallIds.derive(Dialect.MISTRAL, "", free())).isEqualTo(base62("", 9));
  }

  @Test
  void randomIdsFollowEachDialectsRule() {
    for (int i = 0; i < 20; i++) {
      assertThat(CallIds.random(Dialect.MISTRAL)).matches("[a-zA-Z0-9]{9}");
      assertThat(CallIds.random(Dialect.BEDROCK_CONVERSE)).matches("tooluse_[a-zA-Z0-9]{22}");
      assertThat(CallIds.random(null)).matches("call_[a-zA-Z0-9]{24}");
    }
  }
}
