package dev.toolguard.core.conversation;

import dev.toolguard.core.Message;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopException;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.core.loop.StreamHandler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Runs conversations kept in a {@link ConversationStore}: the one flow of toolguard, which the
 * adapters call with their own stores.
 *
 * <ol>
 *   <li>load the conversation and its version;
 *   <li>append the new messages (a user message, answers to waiting calls, client-side results);
 *   <li>run the loop under the conversation's key: the answers are checked against the waiting calls
 *       and claimed in the call journal, so a call runs once however often and wherever the same
 *       request arrives;
 *   <li>save the whole history with the version read: valid whatever happened, also when the run
 *       failed ({@link LoopException} carries the balanced history; it is saved, then rethrown).
 * </ol>
 *
 * <p>A refused answer ({@link dev.toolguard.core.loop.ApprovalException}), a rejected history, a call
 * in progress elsewhere or a journal failure saves nothing: the stored conversation is as it was. A
 * conversation saved meanwhile by another writer fails with {@link ConversationConflictException}
 * and nothing is overwritten.
 *
 * <pre>{@code
 * Conversations conversations = Conversations.of(loop, store);
 * LoopResult r = conversations.run("user-42", Message.user("Pay my electricity bill"));
 * // later, on any instance:
 * conversations.run("user-42", Message.of(Role.USER, ApprovalResponse.approve(r.pending().get(0))));
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Conversations {

  private final FunctionInvokingLoop loop;
  private final ConversationStore store;
  private final List<Message> instructions;

  private Conversations(FunctionInvokingLoop loop, ConversationStore store, List<Message> instructions) {
    this.loop = loop;
    this.store = store;
    this.instructions = instructions;
  }

  /**
   * Conversations of {@code store}, run by {@code loop}.
   *
   * @throws IllegalArgumentException if either is null
   */
  public static Conversations of(FunctionInvokingLoop loop, ConversationStore store) {
    if (loop == null) {
      throw new IllegalArgumentException("loop must not be null: build one with FunctionInvokingLoop.builder(backend)");
    }
    if (store == null) {
      throw new IllegalArgumentException("store must not be null: use ConversationStore.inMemory() or a database"
          + " store");
    }
    return new Conversations(loop, store, List.of());
  }

  /**
   * These conversations with {@code instructions} (system messages, usually) sent before the stored
   * conversation in every run and never stored: the application's current prompt, not part of the
   * conversation.
   *
   * @throws IllegalArgumentException if the list or a message in it is null
   */
  public Conversations withInstructions(List<Message> instructions) {
    if (instructions == null) {
      throw new IllegalArgumentException("instructions must not be null; pass List.of() for none");
    }
    for (Message m : instructions) {
      if (m == null) {
        throw new IllegalArgumentException("instructions hold a null message");
      }
    }
    return new Conversations(loop, store, List.copyOf(instructions));
  }

  /** Runs conversation {@code key} with {@code newMessages} appended, and saves it. */
  public LoopResult run(String key, Message... newMessages) {
    return run(key, Arrays.asList(requireMessages(newMessages)));
  }

  /** Runs conversation {@code key} with {@code newMessages} appended, and saves it. */
  public LoopResult run(String key, List<Message> newMessages) {
    return execute(key, newMessages, null);
  }

  /** Like {@link #run(String, List)}, streaming assistant text to {@code handler} as it arrives. */
  public LoopResult stream(String key, List<Message> newMessages, StreamHandler handler) {
    if (handler == null) {
      throw new IllegalArgumentException("handler must not be null; use StreamHandler.ignoring()");
    }
    return execute(key, newMessages, handler);
  }

  /** The conversation {@code key} as stored now. */
  public ConversationStore.Snapshot load(String key) {
    return store.load(requireKey(key));
  }

  private LoopResult execute(String key, List<Message> newMessages, @Nullable StreamHandler handler) {
    requireKey(key);
    if (newMessages == null) {
      throw new IllegalArgumentException("newMessages must not be null; pass an empty list to run on the stored"
          + " conversation as it is");
    }
    ConversationStore.Snapshot snapshot = store.load(key);
    List<Message> history = new ArrayList<>(instructions.size() + snapshot.messages().size() + newMessages.size());
    history.addAll(instructions);
    history.addAll(snapshot.messages());
    for (Message m : newMessages) {
      if (m == null) {
        throw new IllegalArgumentException("newMessages holds a null message");
      }
      history.add(m);
    }
    LoopResult result;
    try {
      result = handler == null ? loop.run(key, history) : loop.stream(key, history, handler);
    } catch (LoopException e) {
      store.save(key, snapshot.version(), withoutInstructions(e.history()));
      throw e;
    }
    List<Message> conversation = withoutInstructions(result.history());
    if (!conversation.equals(snapshot.messages())) {
      store.save(key, snapshot.version(), conversation);
    }
    return result;
  }

  /** {@code history} without the instructions at its start (they are never stored). */
  private List<Message> withoutInstructions(List<Message> history) {
    if (instructions.isEmpty() || history.size() < instructions.size()
        || !history.subList(0, instructions.size()).equals(instructions)) {
      return history;
    }
    return history.subList(instructions.size(), history.size());
  }

  private static String requireKey(String key) {
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException("the conversation key must not be " + (key == null ? "null" : "blank")
          + ": pass the id that names the conversation (a user's session id, a chat id)");
    }
    return key;
  }

  private static Message[] requireMessages(Message[] messages) {
    if (messages == null) {
      throw new IllegalArgumentException("newMessages must not be null");
    }
    return messages;
  }

  @Override
  public String toString() {
    return "Conversations[" + loop + ", " + store + "]";
  }
}
