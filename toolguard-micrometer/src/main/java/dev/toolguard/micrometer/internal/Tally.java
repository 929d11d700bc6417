package dev.toolguard.micrometer.internal;

/** Counts repairs and violations; an interface so that the listener never needs micrometer-core itself. */
public interface Tally {

  /** One repair action of {@code action} (lower case). */
  void repair(String action);

  /** One violation of {@code code}. */
  void violation(String code);
}
