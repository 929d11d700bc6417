package dev.toolguard.examples;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The failure classes of the design, as the tour names them: each breaks a bare client — most with the
 * provider's 400, {@link #TWO_INSTANCES} by paying twice — and each is survived by a guarded one.
 */
public enum Scenario {
  /** A user message lands between an assistant tool call and its result. */
  USER_BETWEEN("user-between", "a user message between a call and its result"),
  /** A memory window evicted the assistant message with the call but kept its result. */
  EVICTED_CALL("evicted-call", "a window evicted the call and kept its result"),
  /** A stored server-side output ({@code mcp_…}) is sent back without any call. */
  REPLAYED_MCP_OUTPUT("replayed-mcp-output", "a replayed server-side mcp_ output without its call"),
  /** The process died after the assistant message with the call was stored, before its result. */
  CRASH_AFTER_CALL("crash-after-call", "a crash after the assistant message, before the result"),
  /** The store rewrote the result's call id, so it no longer matches its call. */
  REWRITTEN_IDS("rewritten-ids", "the store rewrote the result's call id"),
  /** An approval is answered after the history went through JSON (another object than the request). */
  APPROVAL_AFTER_JSON("approval-after-json", "an approval answered after the history went through JSON"),
  /** A pending approval is answered and resumed by another process. */
  APPROVAL_NEW_PROCESS("approval-new-process", "an approval resumed in a new process"),
  /** A call is answered twice (a retry stored its result again). */
  DUPLICATE_RESULT("duplicate-result", "a result stored twice after a retry"),
  /** A result arrives after the conversation went on. */
  LATE_RESULT("late-result", "a result that arrived after the conversation went on"),
  /** A result is stored before its call. */
  EARLY_RESULT("early-result", "a result stored before its call"),
  /** The results of parallel calls are split up by a user message. */
  PARALLEL_SPLIT("parallel-split", "the results of parallel calls split by a user message"),
  /**
   * An approved call is resumed by two instances: A, then B from the same stale copy of the history (a
   * load balancer's retry). Bare, {@code pay} runs twice; guarded, once, B reusing A's result.
   */
  TWO_INSTANCES("two-instances", "an approval answered on two instances", "2×pay"),
  /**
   * A hosted agent (OpenAI Responses API) asks for an approval on instance A; the client answers it on
   * instance B. Bare, a host that keeps approval requests in a side store of its own cannot find it
   * ({@code lost}); guarded, toolguard-hosting's signed approval id resumes it on B and pay runs once.
   * Shown by the {@code loop} way only: toolguard-hosting serves toolguard's loop.
   */
  HOSTED_APPROVAL("hosted-approval", "a hosted agent's approval answered on another instance", "lost", Way.LOOP,
      "toolguard-hosting serves toolguard's own loop: see the loop column"),
  /**
   * Gemini: a function response turn that does not come right after its call turn (a memory window
   * dropped the call turn). Shown by the {@code loop} way, over toolguard-json's Gemini HTTP backend.
   */
  GEMINI_RESPONSE_TURN("gemini-response-turn", "Gemini: a function response turn not right after its call turn",
      "400", Way.LOOP, Why.BACKENDS),
  /** Mistral: a call id another component renamed, no longer 9 alphanumerics. */
  MISTRAL_CALL_ID("mistral-call-id", "Mistral: a call id renamed by another component, not 9 alphanumerics", "400",
      Way.LOOP, Why.BACKENDS),
  /** Bedrock Converse: a {@code toolUse} without its {@code toolResult}. */
  BEDROCK_TOOL_RESULT("bedrock-tool-result", "Bedrock Converse: a toolUse without its toolResult", "400", Way.LOOP,
      Why.BACKENDS),
  /**
   * Ollama: results stored out of call order. Ollama checks nothing and binds results by order: bare,
   * the wrong tool's result is bound ({@code wrong}); guarded, the body pairs results by order and name.
   */
  OLLAMA_RESULT_ORDER("ollama-result-order", "Ollama: results out of call order bind the wrong tool's result", "wrong",
      Way.LOOP, Why.BACKENDS);

  /** Why the other ways do not show the provider rows. */
  private static final class Why {
    static final String BACKENDS = "shown over toolguard-json's HTTP backends: see the loop column";
  }

  private final String id;
  private final String title;
  private final String bareShows;
  private final @Nullable Way onlyWay;
  private final String onlyWhy;

  Scenario(String id, String title) {
    this(id, title, "400");
  }

  Scenario(String id, String title, String bareShows) {
    this(id, title, bareShows, null, "");
  }

  Scenario(String id, String title, String bareShows, @Nullable Way onlyWay, String onlyWhy) {
    this.id = id;
    this.title = title;
    this.bareShows = bareShows;
    this.onlyWay = onlyWay;
    this.onlyWhy = onlyWhy;
  }

  /** Why the ways that do not show this scenario cannot (the detail of their N/A cells). */
  public String notShownWhy() {
    return onlyWhy;
  }

  /**
   * True when {@code way} can show this scenario; the tour does not ask the other ways and prints
   * their cells N/A ({@link #HOSTED_APPROVAL}: the loop way only).
   */
  public boolean shownBy(Way way) {
    return onlyWay == null || onlyWay == way;
  }

  /** The scenario's name on the command line and in rows, e.g. {@code user-between}. */
  public String id() {
    return id;
  }

  /** What goes wrong, in a few words. */
  public String title() {
    return title;
  }

  /**
   * What a passing bare side shows, as the table prints it: {@code 400} (the provider's 400) for most,
   * {@code 2×pay} (the approved payment ran twice) for {@link #TWO_INSTANCES}, {@code lost} (the
   * approval could not be answered) for {@link #HOSTED_APPROVAL}.
   */
  public String bareShows() {
    return bareShows;
  }

  /** The scenario named {@code id}, or null. */
  public static @Nullable Scenario find(String id) {
    for (Scenario s : values()) {
      if (s.id.equals(id)) {
        return s;
      }
    }
    return null;
  }

  /** The names of all scenarios, in order. */
  public static List<String> ids() {
    List<String> ids = new ArrayList<>();
    for (Scenario s : values()) {
      ids.add(s.id);
    }
    return ids;
  }
}
