package dev.toolguard.micrometer.internal;

import dev.toolguard.micrometer.ToolguardObservations;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The counters {@value ToolguardObservations#REPAIRS} and {@value ToolguardObservations#VIOLATIONS} in a registry. */
public final class MeterTally implements Tally {

  private final MeterRegistry meters;

  /** Counts into {@code meters}. */
  public MeterTally(MeterRegistry meters) {
    this.meters = meters;
  }

  @Override
  public void repair(String action) {
    Counter.builder(ToolguardObservations.REPAIRS)
        .description("Changes toolguard's repair made to broken histories, by kind of change")
        .tag(ToolguardObservations.REPAIR_ACTION, action)
        .register(meters)
        .increment();
  }

  @Override
  public void violation(String code) {
    Counter.builder(ToolguardObservations.VIOLATIONS)
        .description("Ways in which histories handed to toolguard's loop broke the invariant, by code")
        .tag(ToolguardObservations.VIOLATION_CODE, code)
        .register(meters)
        .increment();
  }
}
