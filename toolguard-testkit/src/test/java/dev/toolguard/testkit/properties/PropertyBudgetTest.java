package dev.toolguard.testkit.properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.PropagationMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.engine.TestExecutionResult;

/**
 * The budget run on real jqwik properties through the JUnit Platform: the planned tries, and a time
 * box that fails a property cut below its stated minimum. Time is a fake clock that moves one second
 * per reading, so nothing here depends on how fast the machine is.
 */
class PropertyBudgetTest {

  /** Tries each fixture property ran. */
  static final AtomicInteger TRIES = new AtomicInteger();
  /** The fake clock, in nanoseconds; each reading moves it by {@link #STEP}. */
  static final AtomicLong CLOCK = new AtomicLong();
  static volatile long step;

  /** A budget on the fake clock with a time box of 5 s. */
  public static final class FakeClockBudget extends PropertyBudget {
    @Override
    protected long nanoTime() {
      return CLOCK.addAndGet(step);
    }

    @Override
    protected long timeBoxSeconds() {
      return 5;
    }
  }

  @AddLifecycleHook(value = FakeClockBudget.class, propagateTo = PropagationMode.ALL_DESCENDANTS)
  static class Fixture {
    @Property(tries = 20)
    void stated20(@ForAll int i) {
      TRIES.incrementAndGet();
    }
  }

  /** The scale the build passes (e.g. 5 under -Pexhaustive), put back after each test. */
  private @org.jspecify.annotations.Nullable String buildScale;

  @org.junit.jupiter.api.BeforeEach
  void scaleOne() {
    buildScale = System.getProperty(PropertyBudget.SCALE);
    System.setProperty(PropertyBudget.SCALE, "1");
  }

  @AfterEach
  void restoreScale() {
    if (buildScale == null) {
      System.clearProperty(PropertyBudget.SCALE);
    } else {
      System.setProperty(PropertyBudget.SCALE, buildScale);
    }
  }

  @Test
  void aPropertyRunsItsStatedTriesTimesTheScale() {
    step = 0; // the clock stands still: no time box
    System.setProperty(PropertyBudget.SCALE, "3");

    List<TestExecutionResult> results = run();

    assertThat(results).singleElement().extracting(TestExecutionResult::getStatus)
        .isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
    assertThat(TRIES).hasValue(60);
  }

  @Test
  void aTimeBoxThatCutsBelowTheMinimumFailsAndSaysHowManyTriesRan() {
    step = 1_000_000_000L; // one second a reading: the 5 s box runs out after a few tries

    List<TestExecutionResult> results = run();

    assertThat(TRIES.get()).isLessThan(20);
    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.getStatus()).isEqualTo(TestExecutionResult.Status.FAILED);
      assertThat(r.getThrowable()).get().isInstanceOf(AssertionError.class)
          .extracting(Throwable::getMessage).asString()
          .contains("ran " + TRIES.get() + " of 20 tries before its time box of 5 s ran out, fewer than its minimum of 20");
    });
  }

  @Test
  void aTimeBoxThatCutsAScaledRunAboveTheMinimumPasses() {
    step = 100_000_000L; // a tenth of a second a reading: about 24 tries fit in 5 s
    System.setProperty(PropertyBudget.SCALE, "1000");

    List<TestExecutionResult> results = run();

    assertThat(TRIES.get()).isBetween(20, 19_999);
    assertThat(results).singleElement().extracting(TestExecutionResult::getStatus)
        .isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
  }

  private static List<TestExecutionResult> run() {
    TRIES.set(0);
    CLOCK.set(0);
    List<TestExecutionResult> results = new CopyOnWriteArrayList<>();
    Launcher launcher = LauncherFactory.create();
    launcher.execute(LauncherDiscoveryRequestBuilder.request()
        .selectors(selectMethod(Fixture.class, "stated20", "int")).build(), new TestExecutionListener() {
          @Override
          public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            if (id.isTest()) {
              results.add(result);
            }
          }
        });
    return results;
  }
}
