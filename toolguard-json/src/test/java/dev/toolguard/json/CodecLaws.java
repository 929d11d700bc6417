package dev.toolguard.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.core.RepairPolicy;
import dev.toolguard.core.Text;
import java.util.ArrayList;
import java.util.List;

/**
 * What every dialect's codec and repair owe a random body, for the per-dialect properties
 * ({@link GeminiCodecTest}, {@link BedrockCodecTest}, {@link ChatLikeCodecsProperties}).
 */
final class CodecLaws {

  private static final WireGuard GUARD = WireGuard.ofDefaults();

  private CodecLaws() {}

  /**
   * A valid body is written back as the same text, has no violation, and repair gives back the very
   * {@code String} it was given.
   */
  static void validBodyIsLeftAsItIs(Dialect dialect, String body) {
    WireCodec codec = WireCodec.of(dialect);
    assertThat(codec.write(codec.read(body))).as(body).isEqualTo(body);
    assertThat(GUARD.check(dialect, body)).as(body).isEmpty();
    WireRepair repair = GUARD.repair(dialect, body);
    assertThat(repair.changed()).as(body).isFalse();
    assertThat(repair.body()).isSameAs(body);
  }

  /**
   * A broken body is written back as the same text; its repair has no violation, repairs to itself, and
   * changes the body exactly when check finds something.
   *
   * @return the repair, for the dialect's own assertions
   */
  static WireRepair brokenBodyIsRepaired(Dialect dialect, String body) {
    WireCodec codec = WireCodec.of(dialect);
    assertThat(codec.write(codec.read(body))).as(body).isEqualTo(body);
    WireRepair repair = GUARD.repair(dialect, body);
    assertThat(GUARD.check(dialect, repair.body())).as(body).isEmpty();
    assertThat(GUARD.repair(dialect, repair.body()).changed()).as(body).isFalse();
    assertThat(repair.changed()).as(body).isEqualTo(!GUARD.check(dialect, body).isEmpty());
    return repair;
  }

  /**
   * As {@link #brokenBodyIsRepaired}, and every text of the body is in the repaired body, in order, with
   * its role; beside them only the user turn that says earlier messages were cut.
   */
  static WireRepair brokenBodyIsRepairedKeepingEveryText(Dialect dialect, String body) {
    WireRepair repair = brokenBodyIsRepaired(dialect, body);
    WireCodec codec = WireCodec.of(dialect);
    List<String> said = texts(codec.read(repair.body()).history());
    said.remove("USER: " + RepairPolicy.DEFAULT_CUT_HISTORY_TEXT);
    assertThat(said).as(body).isEqualTo(texts(codec.read(body).history()));
    return repair;
  }

  /** Every text of {@code history} with its role, in order. */
  private static List<String> texts(List<Message> history) {
    List<String> said = new ArrayList<>();
    for (Message m : history) {
      for (var c : m.contents()) {
        if (c instanceof Text t) {
          said.add(m.role() + ": " + t.text());
        }
      }
    }
    return said;
  }
}
