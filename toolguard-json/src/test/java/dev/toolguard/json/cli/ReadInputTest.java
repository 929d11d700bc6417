package dev.toolguard.json.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line reads its input as UTF-8 without a second copy of it: every character comes through
 * (one, two, three and four bytes long, on either side of the decoder's buffer), a byte order mark is
 * left out, and bytes that are not UTF-8 anywhere (a lone byte, a sequence cut short at the end) are bad
 * input.
 */
class ReadInputTest {

  private static String body(String text) {
    return "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
  }

  private static MainTest.Run repair(Path file) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Main.run(new String[] {"repair", "--dialect", "openai-chat", file.toString()},
        java.io.InputStream.nullInputStream(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new MainTest.Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void everyCharacterComesThroughAcrossTheDecodersBuffer(@TempDir Path dir) throws IOException {
    // long enough for several rounds of the 8,192-character buffer, multi-byte characters at its seams
    String text = ("abc é ü € 𝄞 日本語 " + "x".repeat(8185)).repeat(5);
    String body = body(text);
    Path file = dir.resolve("utf8.json");
    Files.writeString(file, body, StandardCharsets.UTF_8);
    MainTest.Run run = repair(file);
    assertThat(run.exit()).as(run.err()).isEqualTo(Main.OK);
    assertThat(run.out()).isEqualTo(body); // a valid body comes out as it came in
  }

  @Test
  void aByteOrderMarkIsLeftOut(@TempDir Path dir) throws IOException {
    String body = body("hello");
    Path file = dir.resolve("bom.json");
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    byte[] withBom = new byte[bytes.length + 3];
    withBom[0] = (byte) 0xEF;
    withBom[1] = (byte) 0xBB;
    withBom[2] = (byte) 0xBF;
    System.arraycopy(bytes, 0, withBom, 3, bytes.length);
    Files.write(file, withBom);
    MainTest.Run run = repair(file);
    assertThat(run.exit()).as(run.err()).isEqualTo(Main.OK);
    assertThat(run.out()).isEqualTo(body);
  }

  @Test
  void bytesThatAreNotUtf8AreBadInputWhereverTheyStand(@TempDir Path dir) throws IOException {
    byte[] ok = body("x".repeat(20_000)).getBytes(StandardCharsets.UTF_8);
    byte[] loneByteFarIn = ok.clone();
    loneByteFarIn[17_000] = (byte) 0xE9;
    byte[] cutShortAtTheEnd = java.util.Arrays.copyOf(ok, ok.length + 2);
    cutShortAtTheEnd[ok.length] = (byte) 0xE2; // the first two bytes of '€'
    cutShortAtTheEnd[ok.length + 1] = (byte) 0x82;
    for (byte[] bytes : new byte[][] {loneByteFarIn, cutShortAtTheEnd}) {
      Path file = dir.resolve("bad.json");
      Files.write(file, bytes);
      MainTest.Run run = repair(file);
      assertThat(run.exit()).isEqualTo(Main.BAD_INPUT);
      assertThat(run.err()).isEqualTo("toolguard: not JSON: the input is not UTF-8 text (" + file + ")\n");
    }
    assertThat(Main.isUtf8(ok)).isTrue();
    assertThat(Main.isUtf8(loneByteFarIn)).isFalse();
    assertThat(Main.isUtf8(cutShortAtTheEnd)).isFalse();
  }

  @Test
  void aBodyIsIndentedWhenALineBreakStandsInsideItNotAroundIt() {
    assertThat(Main.looksIndented("{\"a\":1}")).isFalse();
    assertThat(Main.looksIndented("\n\n  {\"a\":1}\n")).isFalse();
    assertThat(Main.looksIndented("{\n  \"a\": 1\n}\n")).isTrue();
    assertThat(Main.looksIndented("\r\n{\"a\":\r\n1}")).isTrue();
    assertThat(Main.looksIndented("")).isFalse();
    assertThat(Main.looksIndented(" \n ")).isFalse();
  }
}
