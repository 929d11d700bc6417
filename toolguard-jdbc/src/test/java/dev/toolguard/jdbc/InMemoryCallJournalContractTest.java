package dev.toolguard.jdbc;

import dev.toolguard.core.loop.CallJournal;

/** The contract on {@link CallJournal#inMemory(int)}: the JDBC journal has the semantics of the in-memory one. */
class InMemoryCallJournalContractTest extends CallJournalContract {

  @Override
  CallJournal emptyJournal() {
    return CallJournal.inMemory(10_000);
  }
}
