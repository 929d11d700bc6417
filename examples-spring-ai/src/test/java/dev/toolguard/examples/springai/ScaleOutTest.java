package dev.toolguard.examples.springai;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ScaleOut} in this JVM with two app instances (separate JVMs) on an embedded PostgreSQL and
 * thirty conversations: duplicate and stale approvals across instances, one instance killed in the
 * middle of a payment. The summary line, as printed, must hold every rule. {@code -Pscale} runs it
 * with 4 instances and 500 conversations (the system properties {@code toolguard.scaleout.instances}
 * and {@code toolguard.scaleout.conversations}).
 */
class ScaleOutTest {

  static final Pattern FIELD = Pattern.compile("([a-z-]+)=([0-9]+)");

  @Test
  @Timeout(1800)
  void everyApprovedInvoiceIsPaidOnceAndTheKilledInstancesPaymentIsOutcomeUnknown() throws Exception {
    int instances = Integer.getInteger("toolguard.scaleout.instances", 2);
    int conversations = Integer.getInteger("toolguard.scaleout.conversations", 30);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ScaleOut.Figures figures;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      figures = ScaleOut.run(instances, conversations, 20261207L, out);
    }
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    System.out.println(String.join("\n", lines));
    String last = lines.get(lines.size() - 1);
    assertThat(last).startsWith("scale-out: instances=" + instances + " conversations=" + conversations + " approved=");
    Map<String, Integer> counts = new LinkedHashMap<>();
    Matcher m = FIELD.matcher(last);
    while (m.find()) {
      counts.put(m.group(1), Integer.parseInt(m.group(2)));
    }
    assertThat(counts).containsOnlyKeys("instances", "conversations", "approved", "ran", "unknown", "double-runs",
        "cross-conversation", "invalid-histories", "lost");
    assertThat(counts.get("approved")).isEqualTo(conversations);
    assertThat(counts.get("double-runs")).isZero();
    assertThat(counts.get("cross-conversation")).isZero();
    assertThat(counts.get("invalid-histories")).isZero();
    assertThat(counts.get("lost")).isZero();
    assertThat(counts.get("ran") + counts.get("unknown")).isEqualTo(counts.get("approved"));
    assertThat(counts.get("unknown")).as("the payment of the killed instance").isGreaterThanOrEqualTo(1);
    assertThat(counts.get("ran")).isGreaterThanOrEqualTo(conversations * 2 / 3);
    assertThat(figures.refereeRejections()).isZero();
    assertThat(figures.staleAccepted()).isZero();
    assertThat(figures.failedSteps()).isZero();
    assertThat(figures.ok()).isTrue();
  }
}
