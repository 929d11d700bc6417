package dev.toolguard.json;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * The choices that make one generated body, drawn by jqwik: {@link Conversations} asks for each
 * random decision in turn ({@link #nextInt(int)}), and the next drawn number decides it. jqwik prints
 * the numbers of a failing try with its seed, and shrinks them toward 0 — the first option of every
 * decision, so a shrunk body is a simpler one — without any {@code Random} of the test's own. When
 * the numbers run out, every further decision takes its first option.
 */
public final class Choices {

  /** How many decisions a try can take from jqwik; a body of the generators takes a few hundred at most. */
  static final int SIZE = 1024;

  private final int[] drawn;
  private int next;

  private Choices(int[] drawn) {
    this.drawn = drawn;
  }

  /** Choices from jqwik, each a number in {@code [0, 2^30)}. */
  public static Arbitrary<Choices> arbitrary() {
    return Arbitraries.integers().between(0, (1 << 30) - 1).array(int[].class).ofSize(SIZE).map(Choices::new);
  }

  /** A number in {@code [0, bound)}. */
  public int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive, was " + bound);
    }
    return next < drawn.length ? drawn[next++] % bound : 0;
  }

  /** A yes or no. */
  public boolean nextBoolean() {
    return nextInt(2) == 1;
  }

  /** {@code list} in an order chosen here (Fisher–Yates, one decision per element). */
  <T> void shuffle(List<T> list) {
    for (int i = list.size() - 1; i > 0; i--) {
      int j = nextInt(i + 1);
      T t = list.get(i);
      list.set(i, list.get(j));
      list.set(j, t);
    }
  }

  /** A number that differs between tries, for a choice made outside the generators. */
  int salt() {
    return Arrays.hashCode(drawn) & Integer.MAX_VALUE;
  }

  /** The decisions taken so far, for a failure report. */
  @Override
  public String toString() {
    int used = Math.min(next, drawn.length);
    return "Choices" + Arrays.toString(Arrays.copyOf(drawn, Math.min(used == 0 ? 16 : used, 64)))
        + (used > 64 ? "…(" + used + " taken)" : "");
  }
}
