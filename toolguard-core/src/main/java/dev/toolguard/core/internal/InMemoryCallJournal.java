package dev.toolguard.core.internal;

import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.CallJournal;
import dev.toolguard.core.loop.CallKey;
import dev.toolguard.core.loop.Claim;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@link CallJournal} of one process: claims in progress in one map, completed calls in another,
 * the eldest completed dropped beyond the bounds. Every method holds the journal's lock, so each is
 * atomic.
 */
public final class InMemoryCallJournal implements CallJournal {

  private record Held(String fingerprint, String holder, Instant leaseUntil) {}

  private record Done(String fingerprint, ToolResult result, Instant at) {}

  private final int capacity;
  private final long maxChars;
  private final Map<String, Held> claims = new HashMap<>();
  private final LinkedHashMap<String, Done> done = new LinkedHashMap<>();
  private long chars;

  /** Use {@link CallJournal#inMemory(int, long)}. */
  public InMemoryCallJournal(int capacity, long maxChars) {
    this.capacity = capacity;
    this.maxChars = maxChars;
  }

  private static String id(CallKey key) {
    return key.conversation() + '\u0000' + key.callId() + '\u0000' + key.nonce();
  }

  @Override
  public synchronized Claim claim(CallKey key, String holder, Instant now, Duration lease) {
    String id = id(key);
    Done d = done.get(id);
    if (d != null) {
      return d.fingerprint().equals(key.fingerprint()) ? new Claim.Done(d.result()) : new Claim.Conflict(d.fingerprint());
    }
    Held h = claims.get(id);
    if (h != null) {
      if (!h.fingerprint().equals(key.fingerprint())) {
        return new Claim.Conflict(h.fingerprint());
      }
      return h.leaseUntil().isAfter(now) ? new Claim.Held(h.holder(), h.leaseUntil())
          : new Claim.Expired(h.holder(), h.leaseUntil());
    }
    Instant until = now.plus(lease);
    claims.put(id, new Held(key.fingerprint(), holder, until));
    return new Claim.Acquired(key, holder, until);
  }

  @Override
  public synchronized boolean takeOver(CallKey key, String expiredHolder, String holder, Instant now,
      Duration lease) {
    String id = id(key);
    Held h = claims.get(id);
    if (h == null || !h.holder().equals(expiredHolder) || h.leaseUntil().isAfter(now)) {
      return false;
    }
    claims.put(id, new Held(h.fingerprint(), holder, now.plus(lease)));
    return true;
  }

  @Override
  public synchronized boolean complete(CallKey key, String holder, ToolResult result, Instant now) {
    String id = id(key);
    Held h = claims.get(id);
    if (h == null || !h.holder().equals(holder)) {
      return false;
    }
    claims.remove(id);
    done.put(id, new Done(h.fingerprint(), result, now));
    chars += size(id, result);
    Iterator<Map.Entry<String, Done>> eldest = done.entrySet().iterator();
    while (done.size() > 1 && (done.size() > capacity || chars > maxChars)) {
      Map.Entry<String, Done> e = eldest.next();
      chars -= size(e.getKey(), e.getValue().result());
      eldest.remove();
    }
    return true;
  }

  private static long size(String id, ToolResult result) {
    return (long) id.length() + result.output().length();
  }

  @Override
  public synchronized void release(CallKey key, String holder) {
    String id = id(key);
    Held h = claims.get(id);
    if (h != null && h.holder().equals(holder)) {
      claims.remove(id);
    }
  }

  @Override
  public synchronized int prune(Instant before) {
    int n = 0;
    for (Iterator<Map.Entry<String, Done>> it = done.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Done> e = it.next();
      if (e.getValue().at().isBefore(before)) {
        chars -= size(e.getKey(), e.getValue().result());
        it.remove();
        n++;
      }
    }
    for (Iterator<Held> it = claims.values().iterator(); it.hasNext(); ) {
      if (it.next().leaseUntil().isBefore(before)) {
        it.remove();
        n++;
      }
    }
    return n;
  }

  @Override
  public synchronized String toString() {
    return "CallJournal.inMemory(" + capacity + ", " + maxChars + ")[" + done.size() + " calls, " + claims.size()
        + " claimed, " + chars + " chars]";
  }
}
