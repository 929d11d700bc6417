package dev.toolguard.benchmarks;

import dev.toolguard.core.Content;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Message;
import dev.toolguard.core.RepairResult;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.Violation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of guarding a history, against the floor for any checker: copying the list and indexing
 * every call id.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HistoryBenchmark {

  @Param({"10", "1000", "10000", "100000"})
  public int size;

  private final HistoryGuard guard = HistoryGuard.ofDefaults();
  private List<Message> valid;
  private List<Message> broken;

  @Setup(Level.Trial)
  public void setUp() {
    valid = SampleHistories.valid(size, 42);
    broken = SampleHistories.broken(valid, 7);
    if (!guard.check(valid).isEmpty() || guard.check(broken).isEmpty() || !guard.repair(broken).changed()
        || guard.repair(valid).history() != valid) {
      throw new IllegalStateException("the sample histories are not what the benchmark needs");
    }
  }

  /**
   * The floor: copy the list and index every call id in a HashMap (sized for the calls, so that it
   * never rehashes; the calls are read off the contents, without the list that {@code toolCalls()}
   * would make).
   */
  @Benchmark
  public Map<String, Integer> baselineCopyAndIndex() {
    List<Message> copy = new ArrayList<>(valid);
    Map<String, Integer> index = new HashMap<>(Math.max(16, copy.size() / 2));
    for (int i = 0; i < copy.size(); i++) {
      for (Content c : copy.get(i).contents()) {
        if (c instanceof ToolCall call && !call.informational()) {
          index.put(call.callId(), i);
        }
      }
    }
    return index;
  }

  /** Check a valid history (the common case on every request). */
  @Benchmark
  public List<Violation> checkValid() {
    return guard.check(valid);
  }

  /** Repair a valid history: the check, and the same instance back. */
  @Benchmark
  public RepairResult repairValid() {
    return guard.repair(valid);
  }

  /** Repair a history with about 1% of its pairs broken. */
  @Benchmark
  public RepairResult repairBroken() {
    return guard.repair(broken);
  }
}
