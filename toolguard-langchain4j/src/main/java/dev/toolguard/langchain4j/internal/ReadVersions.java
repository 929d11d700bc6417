package dev.toolguard.langchain4j.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The version of each conversation that the current thread last read or wrote, so that a repository
 * with no versions in its API (LangChain4j's {@code ChatMemoryStore}) saves naming the version the
 * caller's read saw. Kept per thread because a framework reads and then writes a conversation on one
 * thread ({@code MessageWindowChatMemory.add} reads, evicts and updates); a version shared by all threads would let the second of
 * two racing writers in one process save over the first. At most {@value #PER_THREAD} conversations per
 * thread are remembered (the least recently used are forgotten). Thread-safe.
 */
public final class ReadVersions {

  /** Conversations remembered per thread. */
  public static final int PER_THREAD = 64;

  private final ThreadLocal<Map<String, Long>> versions = ThreadLocal.withInitial(() ->
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
          return size() > PER_THREAD;
        }
      });

  /** Remembers that this thread saw {@code key} at {@code version}. */
  public void remember(String key, long version) {
    versions.get().put(key, version);
  }

  /** The version this thread last saw of {@code key}, or {@code current} when it saw none. */
  public long expected(String key, LongSupplier current) {
    Long seen = versions.get().get(key);
    return seen != null ? seen : current.getAsLong();
  }

  /** Forgets {@code key} on this thread. */
  public void forget(String key) {
    versions.get().remove(key);
  }
}
