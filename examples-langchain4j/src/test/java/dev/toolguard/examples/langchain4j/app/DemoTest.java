package dev.toolguard.examples.langchain4j.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The demo's command line (picocli) and the demo itself, run as its main runs them. */
class DemoTest {

  /** What one run printed and returned. */
  record Run(int status, String out, String err) {}

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Demo.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void withoutArgumentsTheTransferWaitsSurvivesTheRestartAndIsApprovedAgainstTheReferee() {
    Run r = run();

    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("alice> Send 40 EUR to Bob, please.")
        .contains("bank > NeedsApproval[calls=[PendingCall[callId=call_1, tool=transfer")
        .contains("transfers so far: []")
        .contains("-- a new assistant over the same database, as after a restart --")
        .contains("waiting: [PendingCall[callId=call_1, tool=transfer")
        .contains("bank > Answer[text=Done: I sent 40 EUR to Bob; 80 EUR are left.]")
        .contains("(transfers: [40.0 EUR to Bob])");
  }

  @Test
  void helpIsGeneratedWithTheOptionsAndExitCodes() {
    Run r = run("--help");

    assertThat(r.status()).isZero();
    assertThat(r.out()).contains("Usage: bank-demo").contains("--base-url=URL").contains("--api-key=KEY")
        .contains("--model=NAME").contains("--version").contains("generate-completion").contains("Exit codes:");
  }

  @Test
  void versionComesFromTheFilteredResource() {
    Run r = run("--version");

    assertThat(r.status()).isZero();
    assertThat(r.out().strip()).startsWith("bank-demo ").doesNotContain("${").doesNotContain("unknown");
  }

  @Test
  void generateCompletionPrintsABashScript() {
    Run r = run("generate-completion");

    assertThat(r.status()).isZero();
    assertThat(r.out()).contains("complete -F").contains("--base-url");
  }

  @Test
  void aPartialProviderIsABadArgumentThatSaysWhatIsMissing() {
    Run options = run("--base-url", "http://127.0.0.1:1/v1");
    Run positional = run("http://127.0.0.1:1/v1", "key");
    Run unknown = run("--bogus");

    assertThat(options.status()).isEqualTo(2);
    assertThat(options.err()).contains("needs all of --base-url, --api-key and --model").contains("Usage:");
    assertThat(positional.status()).isEqualTo(2);
    assertThat(positional.err()).contains("BASE_URL API_KEY MODEL").contains("got 2");
    assertThat(unknown.status()).isEqualTo(2);
    assertThat(unknown.err()).contains("--bogus");
  }
}
