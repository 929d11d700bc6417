package dev.toolguard.testkit.internal;

/** Thrown by a rule to stop validation with a {@link Rejection}; carries no stack trace. */
public final class Rejected extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient Rejection rejection;

  /** Stops validation with this rejection. */
  public Rejected(Rejection rejection) {
    super(rejection.message(), null, false, false);
    this.rejection = rejection;
  }

  /** The rejection to answer with. */
  public Rejection rejection() {
    return rejection;
  }
}
