package dev.toolguard.testkit;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link ProviderReferee} per test class for JUnit 5: started before the class's first test, stopped
 * after its last, and (with {@link #resetBeforeEach()}) {@linkplain ProviderReferee#reset() reset} before each
 * test. Register it on a static field (JUnit Jupiter must be on the class path; the testkit does not bring it):
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RefereeExtension REFEREE = RefereeExtension.resetBeforeEach();
 *
 * @Test
 * void answers() {
 *   String url = REFEREE.get().url(Endpoint.CHAT_COMPLETIONS);
 * }
 * }</pre>
 */
public final class RefereeExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

  private final boolean reset;
  private volatile @Nullable ProviderReferee referee;

  private RefereeExtension(boolean reset) {
    this.reset = reset;
  }

  /** A referee shared by the tests of a class, reset before each test. */
  public static RefereeExtension resetBeforeEach() {
    return new RefereeExtension(true);
  }

  /** A referee shared by the tests of a class, never reset: for tests that only send and read its answers. */
  public static RefereeExtension shared() {
    return new RefereeExtension(false);
  }

  /**
   * The running referee.
   *
   * @throws IllegalStateException outside the tests of the class (the extension is not registered on a static
   *     field, or the class's tests have ended)
   */
  public ProviderReferee get() {
    ProviderReferee r = referee;
    if (r == null) {
      throw new IllegalStateException("the referee is not running: register the RefereeExtension on a static"
          + " field with @RegisterExtension and use it inside the class's tests");
    }
    return r;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    referee = ProviderReferee.start();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (reset) {
      get().reset();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    ProviderReferee r = referee;
    referee = null;
    if (r != null) {
      r.close();
    }
  }

  @Override
  public String toString() {
    ProviderReferee r = referee;
    return "RefereeExtension[" + (r == null ? "not running" : r.baseUrl()) + (reset ? ", reset before each" : "")
        + "]";
  }
}
