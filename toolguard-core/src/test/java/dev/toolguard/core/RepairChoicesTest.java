package dev.toolguard.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which result repair keeps when a call has several: one that is not an error beats one that is; then
 * one in its place (the TOOL messages right after the call); then the earlier. The properties check
 * that some result survives; these pin which one (found by PIT: the tie-breaks could be turned
 * around unnoticed).
 */
class RepairChoicesTest {

  private final HistoryGuard guard = HistoryGuard.ofDefaults();

  private static Message call() {
    return Message.assistant(ToolCall.of("c1", "weather", "{}"));
  }

  private static Message result(String output, boolean error) {
    return Message.tool(new ToolResult("c1", "weather", output, error, java.util.Map.of()));
  }

  /** The outputs answering c1 in the repaired history, which must be valid. */
  private List<String> kept(List<Message> history) {
    RepairResult r = guard.repair(history);
    assertThat(guard.check(r.history())).isEmpty();
    List<String> outputs = new ArrayList<>();
    for (Message m : r.history()) {
      for (ToolResult t : m.toolResults()) {
        if (t.callId().equals("c1")) {
          outputs.add(t.output());
        }
      }
    }
    return outputs;
  }

  @Test
  void aResultThatIsNotAnErrorBeatsAnError() {
    assertThat(kept(List.of(Message.user("go"), call(), result("failed", true), result("sunny", false),
        Message.user("and?")))).containsExactly("sunny");
    assertThat(kept(List.of(Message.user("go"), call(), result("sunny", false), result("failed", true),
        Message.user("and?")))).containsExactly("sunny");
  }

  @Test
  void thenTheResultInItsPlaceBeatsOneElsewhere() {
    // a copy before the call (a store that reordered) and the one right after it
    assertThat(kept(List.of(Message.user("go"), result("early copy", false), call(), result("in place", false),
        Message.user("and?")))).containsExactly("in place");
    // the one right after the call and a copy after the next user message
    assertThat(kept(List.of(Message.user("go"), call(), result("in place", false), Message.user("x"),
        result("late copy", false), Message.user("and?")))).containsExactly("in place");
  }

  @Test
  void thenTheEarlierWins() {
    assertThat(kept(List.of(Message.user("go"), call(), result("first", false), result("second", false),
        Message.user("and?")))).containsExactly("first");
    assertThat(kept(List.of(Message.user("go"), call(),
        new Message(Role.TOOL, List.of(new ToolResult("c1", "weather", "first", false, java.util.Map.of()),
            new ToolResult("c1", "weather", "second", false, java.util.Map.of())), java.util.Map.of()),
        Message.user("and?")))).containsExactly("first");
  }

  @Test
  void twoMisplacedCopiesKeepTheEarlierAndPutItInPlace() {
    List<Message> history = List.of(Message.user("go"), call(), Message.user("x"), result("first", false),
        Message.user("y"), result("second", false), Message.user("and?"));
    assertThat(kept(history)).containsExactly("first");
  }
}
