package dev.toolguard.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Check and repair read each message a bounded number of times, however many violations there are:
 * a history of thousands of misplaced, duplicate and orphan results is not rescanned per violation.
 * Counted, not timed: the history is a list that counts every read of a message.
 */
class LinearWorkTest {

  /** A list that counts the messages read from it. */
  private static final class CountingList extends AbstractList<Message> {
    private final List<Message> messages;
    long reads;

    CountingList(List<Message> messages) {
      this.messages = messages;
    }

    @Override
    public Message get(int index) {
      reads++;
      return messages.get(index);
    }

    @Override
    public int size() {
      return messages.size();
    }
  }

  /**
   * Turn after turn: a user question, a call, and its result; every third result comes after a user
   * message typed meanwhile, every fifth turn has its result twice, every seventh an orphan result,
   * every eleventh result stands before its call, and the results of every thirteenth turn stand
   * far away, at the end of the history, with orphans among them.
   */
  private static List<Message> faulty(int turns) {
    List<Message> h = new ArrayList<>();
    List<Message> atTheEnd = new ArrayList<>();
    for (int t = 0; t < turns; t++) {
      String id = "call_" + t;
      h.add(Message.user("q" + t));
      Message result = Message.tool(ToolResult.of(id, "t", "out" + t));
      if (t % 11 == 0) {
        h.add(result);
      }
      h.add(Message.assistant(ToolCall.of(id, "t", "{\"n\":" + t + "}")));
      if (t % 3 == 0) {
        h.add(Message.user("meanwhile " + t));
      }
      if (t % 13 == 0) {
        atTheEnd.add(result);
        atTheEnd.add(Message.tool(ToolResult.of("lost_" + t, null, "orphan")));
      } else if (t % 11 != 0) {
        h.add(result);
      }
      if (t % 5 == 0) {
        h.add(result);
      }
      if (t % 7 == 0) {
        h.add(Message.tool(ToolResult.of("gone_" + t, "t", "orphan")));
      }
    }
    h.add(Message.assistant("and now"));
    h.addAll(atTheEnd);
    return h;
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void checkAndRepairReadEachMessageABoundedNumberOfTimes(Dialect dialect) {
    HistoryGuard guard = HistoryGuard.ofDefaults();
    List<Message> history = faulty(20_000);
    int n = history.size();

    CountingList checked = new CountingList(history);
    List<Violation> violations = guard.check(checked, dialect);
    assertThat(violations).hasSizeGreaterThan(8_000);
    assertThat(checked.reads).as("reads by check of %s messages", n).isLessThan(3L * n);

    CountingList repaired = new CountingList(history);
    RepairResult r = guard.repair(repaired, dialect);
    assertThat(r.actions()).hasSizeGreaterThan(8_000);
    assertThat(repaired.reads).as("reads by repair of %s messages", n).isLessThan(10L * n);
    assertThat(guard.check(r.history(), dialect)).isEmpty();
  }
}
