package dev.toolguard.springai.autoconfigure;

import dev.toolguard.core.loop.ApprovalSigner;
import dev.toolguard.core.loop.LoopConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;
import org.springframework.validation.annotation.Validated;

/**
 * The {@code toolguard.*} properties of the Spring Boot auto-configuration. Every {@link LoopConfig}
 * setting is one of them, with the defaults of {@link LoopConfig#ofDefaults()}. Checked when they are
 * bound ({@link #validate}): a bad value stops the application at start-up with a message that names
 * the property, what it must be and what it was (never the signing key).
 */
@ConfigurationProperties(prefix = "toolguard")
@Validated
public class ToolGuardProperties implements Validator {

  /** The property that holds the approval signing key. */
  public static final String APPROVAL_SIGNING_KEY = "toolguard.approval-signing-key";

  /** The property that holds how long a run holds the claim of a call it runs. */
  public static final String CLAIM_LEASE = "toolguard.claim-lease";

  /** The property that holds how long a run waits for a call another run holds. */
  public static final String CLAIM_WAIT = "toolguard.claim-wait";

  /** The property that holds how long an approval request may be approved. */
  public static final String APPROVAL_TTL = "toolguard.approval-ttl";

  /** The property that names the provider's wire format. */
  public static final String DIALECT = "toolguard.dialect";

  /** The property that says where the call journal is kept. */
  public static final String JOURNAL = "toolguard.journal";

  /** Where the call journal is kept. */
  public enum Journal {
    /** In this process's memory: a call runs once within one instance (the default). */
    IN_MEMORY,
    /**
     * In a table of the application's DataSource (toolguard-jdbc on the class path): a call runs once
     * across every instance that shares the database.
     */
    JDBC
  }

  /** The property that says where the advisor keeps conversations. */
  public static final String MEMORY_STORE = "toolguard.memory.store";

  /** Where the auto-configured advisor keeps conversations. */
  public enum Store {
    /** Nowhere of toolguard's: in the ChatMemory bean with use-chat-memory, or by the application (the default). */
    NONE,
    /**
     * Whole and versioned in a table of the application's DataSource (toolguard-jdbc and toolguard-json
     * on the class path): every instance sees one conversation, and two writes of it never overwrite
     * each other.
     */
    JDBC
  }

  /** The property that makes a ChatMemoryRepository bean of toolguard's. */
  public static final String MEMORY_REPOSITORY = "toolguard.memory.repository";

  /** Which ChatMemoryRepository bean toolguard makes. */
  public enum Repository {
    /** None: Spring AI's (or the application's) repository is used (the default). */
    NONE,
    /**
     * A {@code ToolGuardChatMemoryRepository} over a table of the application's DataSource (the
     * ConversationStore bean when there is one): whole messages, versioned writes. Needs toolguard-jdbc
     * and toolguard-json.
     */
    JDBC
  }

  /** Settings of the conversations the advisor keeps. */
  public static final class Memory {
    /**
     * Where the advisor keeps each conversation: none (the default), or jdbc (a table of the application's
     * DataSource, whole and versioned; needs toolguard-jdbc and toolguard-json). A ConversationStore bean
     * of the application is used whatever this says.
     */
    private Store store = Store.NONE;

    /**
     * The ChatMemoryRepository bean toolguard makes: none (the default), or jdbc (whole messages in a table
     * of the application's DataSource, over the ConversationStore bean when there is one). An application's
     * own ChatMemoryRepository bean wins.
     */
    private Repository repository = Repository.NONE;

    /** Creates the settings. */
    public Memory() {}

    /** The ChatMemoryRepository bean toolguard makes. */
    public Repository getRepository() {
      return repository;
    }

    /** The ChatMemoryRepository bean toolguard makes. */
    public void setRepository(Repository repository) {
      this.repository = repository;
    }

    /** Where the advisor keeps each conversation. */
    public Store getStore() {
      return store;
    }

    /** Where the advisor keeps each conversation. */
    public void setStore(Store store) {
      this.store = store;
    }
  }

  /** The prefix that marks an approval signing key given in base64. */
  public static final String BASE64_PREFIX = "base64:";

  /**
   * Whether toolguard's auto-configuration is on. True by default: the auto-configuration is registered
   * only by toolguard-spring-boot-starter, so adding the starter is the opt-in; false turns all of it off.
   */
  private boolean enabled = true;

  /**
   * Where waiting calls are claimed before they run and their results recorded: in-memory (one
   * instance) or jdbc (the application's DataSource, shared by every instance; needs toolguard-jdbc).
   * A CallJournal bean of the application wins over both.
   */
  private Journal journal = Journal.IN_MEMORY;

  /** Whether toolguard creates its tables on first use when they are missing (else run its migrations). */
  private boolean jdbcCreateTables = true;

  /** Where the advisor keeps conversations. */
  private final Memory memory = new Memory();

  /** How many model requests one run of the tool loop may make (at least 1). */
  private int maxIterations = 10;

  /** How many tool calls one run may make in total (at least 1). */
  private int maxCallsPerRequest = 64;

  /** How many tool calls may run at the same time (at least 1; 1 = one after another). */
  private int maxConcurrency = 4;

  /** How long one tool call may run before it is stopped and answered with an error. */
  private Duration callTimeout = Duration.ofSeconds(60);

  /** Whether the model sees the exception text of a failed tool (else only that it failed). */
  private boolean detailedErrors = false;

  /** Names of the tools whose every call waits for human approval. */
  private Set<String> approvalRequired = new LinkedHashSet<>();

  /** What to do with a broken history before a request: repair it, or reject it with an error. */
  private LoopConfig.HistoryPolicy historyPolicy = LoopConfig.HistoryPolicy.REPAIR;

  /**
   * Whether the advisor is added to every ChatClient.Builder that Spring Boot makes, where it runs the
   * tool loop in place of Spring AI's. False: the ToolGuardAdvisor bean is still made, for the
   * application to add to the clients it chooses.
   */
  private boolean registerAdvisor = true;

  /**
   * Whether ChatMemory beans are wrapped in a ToolGuardChatMemory so that they never hand out a broken
   * history (default false: a wrapped bean is no longer of its own type, so only when asked).
   */
  private boolean guardChatMemory = false;

  /**
   * Whether the auto-configured advisor keeps each conversation in the application's ChatMemory bean
   * (the only one, or the primary one), in place of a MessageChatMemoryAdvisor.
   */
  private boolean useChatMemory = false;

  /**
   * The conversation a request belongs to when it names none (only with use-chat-memory); by default
   * such a request fails.
   */
  private @Nullable String defaultConversationId;

  /**
   * How long a run holds the claim of a call it runs (a resumed approval): when it ends without a
   * result, the run is taken for dead and the call's outcome for unknown. Longer than call-timeout;
   * by default call-timeout plus 30 s.
   */
  private @Nullable Duration claimLease;

  /**
   * How long a run waits for a call that another run holds (a double-clicked approval, a retry on
   * another instance) before it fails with CallInProgressException; 0 = do not wait.
   */
  private Duration claimWait = Duration.ofSeconds(10);

  /** How long an approval request may be approved after it was issued. */
  private Duration approvalTtl = Duration.ofDays(7);

  /**
   * The secret that approval requests are signed with (HMAC-SHA256), so that only answers to requests
   * this application made are honoured: at least 32 bytes, as UTF-8 text or, after "base64:", in
   * base64. Never logged.
   */
  private @Nullable String approvalSigningKey;

  /** After this many iterations in a row in which every tool call failed, the run ends (at least 1). */
  private int maxConsecutiveErrors = 3;

  /**
   * What happens to a call of a tool the loop does not know: error-result (the model is told which tools
   * it may call) or end-loop (the call is handed back to the caller, pending like a client-side call).
   */
  private LoopConfig.UnknownToolPolicy unknownToolPolicy = LoopConfig.UnknownToolPolicy.ERROR_RESULT;

  /**
   * What a new user message without approval responses does to calls still waiting for approval:
   * decline (they get "not approved" results) or fail (the request fails until they are answered).
   */
  private LoopConfig.PendingPolicy pendingPolicy = LoopConfig.PendingPolicy.DECLINE;

  /**
   * Whether calls that need no approval run while others of the same answer wait for it (else they wait
   * with them and run once all are answered).
   */
  private boolean runOthersWhileAwaitingApproval = true;

  /** Names of the tools that never run beside another call. */
  private Set<String> sequentialTools = new LinkedHashSet<>();

  /** The text the model gets for a rejected call; {reason} is replaced by the reason. */
  private String rejectionText = LoopConfig.DEFAULT_REJECTION_TEXT;

  /** The text the model gets for a waiting call that the user went on from without answering. */
  private String notAnsweredText = LoopConfig.DEFAULT_NOT_ANSWERED_TEXT;

  /**
   * The text the model gets for a call whose run stopped mid-call (its outcome unknown) when the tool is
   * not idempotent; {tool} is replaced by the tool name.
   */
  private String outcomeUnknownText = LoopConfig.DEFAULT_OUTCOME_UNKNOWN_TEXT;

  /** The longest arguments a call may have, in characters; longer ones are not run (at least 1). */
  private int maxArgumentsLength = 1048576;

  /** The longest output kept from a tool, in characters; longer ones are cut, with a note (at least 1). */
  private int maxOutputLength = 1048576;

  /**
   * Whether an answer with a single tool call runs it on the caller's thread (no thread hand-off; its
   * timeout interrupts that thread). False for tools that ignore interrupts: they are then run on the
   * pool and abandoned at the timeout.
   */
  private boolean inlineSingleCalls = true;

  /** Micrometer observations of toolguard's loop. */
  private final Observations observations = new Observations();

  /**
   * The wire format of the provider the ChatClients talk to, whose rules the advisors keep (ids renamed or
   * made up in its id rule, its adjacency and counts): openai-chat, openai-responses, anthropic, gemini,
   * bedrock-converse, mistral or ollama. Unset (the default), it is picked per request from the chat
   * model's options class (OpenAI, Azure OpenAI, Anthropic, Google GenAI, Vertex AI Gemini, Bedrock
   * Converse, Mistral AI, Ollama); set it when the model's class is not the wire format, e.g. mistral for
   * an OpenAI model pointed at Mistral's OpenAI-compatible endpoint.
   */
  private @Nullable String dialect;

  /** The provider's wire format as set, or null when it is picked per request. */
  public @Nullable String getDialect() {
    return dialect;
  }

  /** The provider's wire format (a dialect id). */
  public void setDialect(@Nullable String dialect) {
    this.dialect = dialect;
  }

  /**
   * The dialect {@link #getDialect()} names, or null when it is not set.
   *
   * @throws IllegalArgumentException naming the property and the dialects when it names none
   */
  public dev.toolguard.core.@Nullable Dialect dialectOrNull() {
    if (dialect == null) {
      return null;
    }
    try {
      return dev.toolguard.core.Dialect.fromId(dialect.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(DIALECT + " is '" + dialect + "', which is no dialect; use one of "
          + dialectIds() + ", or remove it to pick the dialect from the chat model");
    }
  }

  private static String dialectIds() {
    StringBuilder sb = new StringBuilder();
    for (dev.toolguard.core.Dialect d : dev.toolguard.core.Dialect.values()) {
      sb.append(sb.length() == 0 ? "" : ", ").append(d.id());
    }
    return sb.toString();
  }

  /** Settings of toolguard's Micrometer observations. */
  public static final class Observations {
    /**
     * Whether toolguard observes its runs, model requests, tool calls, repairs and approvals into the
     * application's ObservationRegistry (and counts repairs and violations in its MeterRegistry), when
     * Micrometer and toolguard-micrometer are on the class path.
     */
    private boolean enabled = true;

    /** Creates the settings. */
    public Observations() {}

    /** Whether toolguard observes its loop. */
    public boolean isEnabled() {
      return enabled;
    }

    /** Sets whether toolguard observes its loop. */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /** Micrometer observations of toolguard's loop. */
  public Observations getObservations() {
    return observations;
  }

  /** After this many all-failed iterations in a row the run ends. */
  public int getMaxConsecutiveErrors() {
    return maxConsecutiveErrors;
  }

  /** Sets after how many all-failed iterations in a row the run ends. */
  public void setMaxConsecutiveErrors(int maxConsecutiveErrors) {
    this.maxConsecutiveErrors = maxConsecutiveErrors;
  }

  /** What happens to a call of an unknown tool. */
  public LoopConfig.UnknownToolPolicy getUnknownToolPolicy() {
    return unknownToolPolicy;
  }

  /** Sets what happens to a call of an unknown tool. */
  public void setUnknownToolPolicy(LoopConfig.UnknownToolPolicy unknownToolPolicy) {
    this.unknownToolPolicy = unknownToolPolicy;
  }

  /** What a new user message does to waiting calls. */
  public LoopConfig.PendingPolicy getPendingPolicy() {
    return pendingPolicy;
  }

  /** Sets what a new user message does to waiting calls. */
  public void setPendingPolicy(LoopConfig.PendingPolicy pendingPolicy) {
    this.pendingPolicy = pendingPolicy;
  }

  /** Whether calls needing no approval run while others wait. */
  public boolean isRunOthersWhileAwaitingApproval() {
    return runOthersWhileAwaitingApproval;
  }

  /** Sets whether calls needing no approval run while others wait. */
  public void setRunOthersWhileAwaitingApproval(boolean runOthersWhileAwaitingApproval) {
    this.runOthersWhileAwaitingApproval = runOthersWhileAwaitingApproval;
  }

  /** Tools that never run beside another call. */
  public Set<String> getSequentialTools() {
    return sequentialTools;
  }

  /** Sets the tools that never run beside another call. */
  public void setSequentialTools(Set<String> sequentialTools) {
    this.sequentialTools = sequentialTools;
  }

  /** The text of a rejected call's result. */
  public String getRejectionText() {
    return rejectionText;
  }

  /** Sets the text of a rejected call's result. */
  public void setRejectionText(String rejectionText) {
    this.rejectionText = rejectionText;
  }

  /** The text of a declined waiting call's result. */
  public String getNotAnsweredText() {
    return notAnsweredText;
  }

  /** Sets the text of a declined waiting call's result. */
  public void setNotAnsweredText(String notAnsweredText) {
    this.notAnsweredText = notAnsweredText;
  }

  /** The text of the result of a call whose outcome is unknown. */
  public String getOutcomeUnknownText() {
    return outcomeUnknownText;
  }

  /** Sets the text of the result of a call whose outcome is unknown. */
  public void setOutcomeUnknownText(String outcomeUnknownText) {
    this.outcomeUnknownText = outcomeUnknownText;
  }

  /** The longest arguments a call may have. */
  public int getMaxArgumentsLength() {
    return maxArgumentsLength;
  }

  /** Sets the longest arguments a call may have. */
  public void setMaxArgumentsLength(int maxArgumentsLength) {
    this.maxArgumentsLength = maxArgumentsLength;
  }

  /** The longest output kept from a tool. */
  public int getMaxOutputLength() {
    return maxOutputLength;
  }

  /** Sets the longest output kept from a tool. */
  public void setMaxOutputLength(int maxOutputLength) {
    this.maxOutputLength = maxOutputLength;
  }

  /** Whether a single call runs on the caller's thread. */
  public boolean isInlineSingleCalls() {
    return inlineSingleCalls;
  }

  /** Sets whether a single call runs on the caller's thread. */
  public void setInlineSingleCalls(boolean inlineSingleCalls) {
    this.inlineSingleCalls = inlineSingleCalls;
  }

  /** Checks {@link ToolGuardProperties} only. */
  @Override
  public boolean supports(Class<?> type) {
    return ToolGuardProperties.class.isAssignableFrom(type);
  }

  /**
   * Checks every value as {@link LoopConfig.Builder} would, naming the property in each error: Spring
   * Boot calls this when it binds the properties, so a bad value stops the application at start-up.
   */
  @Override
  public void validate(Object target, Errors errors) {
    ToolGuardProperties p = (ToolGuardProperties) target;
    atLeastOne(errors, "maxIterations", "toolguard.max-iterations", p.maxIterations);
    atLeastOne(errors, "maxCallsPerRequest", "toolguard.max-calls-per-request", p.maxCallsPerRequest);
    atLeastOne(errors, "maxConcurrency", "toolguard.max-concurrency", p.maxConcurrency);
    atLeastOne(errors, "maxConsecutiveErrors", "toolguard.max-consecutive-errors", p.maxConsecutiveErrors);
    atLeastOne(errors, "maxArgumentsLength", "toolguard.max-arguments-length", p.maxArgumentsLength);
    atLeastOne(errors, "maxOutputLength", "toolguard.max-output-length", p.maxOutputLength);
    Duration timeout = p.callTimeout;
    if (timeout == null || timeout.isZero() || timeout.isNegative()) {
      errors.rejectValue("callTimeout", "toolguard.positive", "toolguard.call-timeout must be a positive duration"
          + " (e.g. 30s, 5m, 7d), was " + timeout);
      timeout = null;
    }
    Duration lease = p.claimLease;
    if (lease != null) {
      if (lease.isZero() || lease.isNegative()) {
        errors.rejectValue("claimLease", "toolguard.positive", CLAIM_LEASE
            + " must be a positive duration (e.g. 30s, 5m, 7d), was " + lease);
      } else if (timeout != null && lease.compareTo(timeout) <= 0) {
        errors.rejectValue("claimLease", "toolguard.lease", CLAIM_LEASE + " (" + lease + ") must be longer than"
            + " toolguard.call-timeout (" + timeout + "): a claim whose lease ends while its call still runs lets"
            + " another run take the call over; raise it or remove it (default: call-timeout plus 30 s)");
      }
    }
    if (p.claimWait == null || p.claimWait.isNegative()) {
      errors.rejectValue("claimWait", "toolguard.wait", CLAIM_WAIT + " must be zero (do not wait) or a positive"
          + " duration (e.g. 10s), was " + p.claimWait);
    }
    if (p.approvalTtl == null || p.approvalTtl.isZero() || p.approvalTtl.isNegative()) {
      errors.rejectValue("approvalTtl", "toolguard.positive", APPROVAL_TTL
          + " must be a positive duration (e.g. 30s, 5m, 7d), was " + p.approvalTtl);
    }
    text(errors, "rejectionText", "toolguard.rejection-text", p.rejectionText);
    text(errors, "notAnsweredText", "toolguard.not-answered-text", p.notAnsweredText);
    text(errors, "outcomeUnknownText", "toolguard.outcome-unknown-text", p.outcomeUnknownText);
    names(errors, "approvalRequired", "toolguard.approval-required", p.approvalRequired);
    names(errors, "sequentialTools", "toolguard.sequential-tools", p.sequentialTools);
    for (String[] required : new String[][] {{"historyPolicy", "toolguard.history-policy"},
        {"unknownToolPolicy", "toolguard.unknown-tool-policy"}, {"pendingPolicy", "toolguard.pending-policy"}}) {
      if (errors.getFieldValue(required[0]) == null) {
        errors.rejectValue(required[0], "toolguard.required", required[1] + " must not be empty");
      }
    }
    if (p.dialect != null) {
      try {
        p.dialectOrNull();
      } catch (IllegalArgumentException e) {
        errors.rejectValue("dialect", "toolguard.dialect", e.getMessage());
      }
    }
    if (p.defaultConversationId != null && p.defaultConversationId.isBlank()) {
      errors.rejectValue("defaultConversationId", "toolguard.blank", "toolguard.default-conversation-id is set but"
          + " empty; give a conversation id or remove the property");
    }
    try {
      p.approvalSigner();
    } catch (IllegalArgumentException e) {
      // not rejectValue: that would carry the key as the rejected value into the error report
      errors.reject("toolguard.signing-key", e.getMessage());
    }
  }

  private static void atLeastOne(Errors errors, String field, String property, int value) {
    if (value < 1) {
      errors.rejectValue(field, "toolguard.min", property + " must be at least 1, was " + value);
    }
  }

  private static void text(Errors errors, String field, String property, @Nullable String value) {
    if (value == null || value.isBlank()) {
      errors.rejectValue(field, "toolguard.blank", property + " must not be blank: the model reads it");
    }
  }

  private static void names(Errors errors, String field, String property, @Nullable Set<String> names) {
    if (names != null) {
      for (String n : names) {
        if (n == null || n.isBlank()) {
          errors.rejectValue(field, "toolguard.blank", property + " holds a blank tool name");
          return;
        }
      }
    }
  }

  /** Where the call journal is kept. */
  public Journal getJournal() {
    return journal;
  }

  /** Where the call journal is kept. */
  public void setJournal(Journal journal) {
    this.journal = journal;
  }

  /** Where the advisor keeps conversations. */
  public Memory getMemory() {
    return memory;
  }

  /** Whether toolguard creates its tables on first use when they are missing. */
  public boolean isJdbcCreateTables() {
    return jdbcCreateTables;
  }

  /** Whether toolguard creates its tables on first use when they are missing. */
  public void setJdbcCreateTables(boolean jdbcCreateTables) {
    this.jdbcCreateTables = jdbcCreateTables;
  }

  /** Whether the auto-configuration is on. */
  public boolean isEnabled() {
    return enabled;
  }

  /** Sets whether the auto-configuration is on. */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /** How many model requests one run may make. */
  public int getMaxIterations() {
    return maxIterations;
  }

  /** Sets how many model requests one run may make. */
  public void setMaxIterations(int maxIterations) {
    this.maxIterations = maxIterations;
  }

  /** How many tool calls one run may make. */
  public int getMaxCallsPerRequest() {
    return maxCallsPerRequest;
  }

  /** Sets how many tool calls one run may make. */
  public void setMaxCallsPerRequest(int maxCallsPerRequest) {
    this.maxCallsPerRequest = maxCallsPerRequest;
  }

  /** How many tool calls may run at the same time. */
  public int getMaxConcurrency() {
    return maxConcurrency;
  }

  /** Sets how many tool calls may run at the same time. */
  public void setMaxConcurrency(int maxConcurrency) {
    this.maxConcurrency = maxConcurrency;
  }

  /** How long one tool call may run. */
  public Duration getCallTimeout() {
    return callTimeout;
  }

  /** Sets how long one tool call may run. */
  public void setCallTimeout(Duration callTimeout) {
    this.callTimeout = callTimeout;
  }

  /** Whether the model sees a failed tool's exception text. */
  public boolean isDetailedErrors() {
    return detailedErrors;
  }

  /** Sets whether the model sees a failed tool's exception text. */
  public void setDetailedErrors(boolean detailedErrors) {
    this.detailedErrors = detailedErrors;
  }

  /** Tools whose every call needs approval. */
  public Set<String> getApprovalRequired() {
    return approvalRequired;
  }

  /** Sets the tools whose every call needs approval. */
  public void setApprovalRequired(Set<String> approvalRequired) {
    this.approvalRequired = approvalRequired;
  }

  /** What happens to a broken history. */
  public LoopConfig.HistoryPolicy getHistoryPolicy() {
    return historyPolicy;
  }

  /** Sets what happens to a broken history. */
  public void setHistoryPolicy(LoopConfig.HistoryPolicy historyPolicy) {
    this.historyPolicy = historyPolicy;
  }

  /** Whether the advisor is added to every Boot-made ChatClient.Builder. */
  public boolean isRegisterAdvisor() {
    return registerAdvisor;
  }

  /** Sets whether the advisor is added to every Boot-made ChatClient.Builder. */
  public void setRegisterAdvisor(boolean registerAdvisor) {
    this.registerAdvisor = registerAdvisor;
  }

  /** Whether ChatMemory beans are guarded. */
  public boolean isGuardChatMemory() {
    return guardChatMemory;
  }

  /** Sets whether ChatMemory beans are guarded. */
  public void setGuardChatMemory(boolean guardChatMemory) {
    this.guardChatMemory = guardChatMemory;
  }

  /** Whether the auto-configured advisor keeps conversations in the ChatMemory bean. */
  public boolean isUseChatMemory() {
    return useChatMemory;
  }

  /** Sets whether the auto-configured advisor keeps conversations in the ChatMemory bean. */
  public void setUseChatMemory(boolean useChatMemory) {
    this.useChatMemory = useChatMemory;
  }

  /** The conversation of a request that names none, or null. */
  public @Nullable String getDefaultConversationId() {
    return defaultConversationId;
  }

  /** Sets the conversation of a request that names none. */
  public void setDefaultConversationId(@Nullable String defaultConversationId) {
    this.defaultConversationId = defaultConversationId;
  }

  /** How long a run holds the claim of a call it runs, or null for call-timeout plus 30 s. */
  public @Nullable Duration getClaimLease() {
    return claimLease;
  }

  /** Sets how long a run holds the claim of a call it runs (null: call-timeout plus 30 s). */
  public void setClaimLease(@Nullable Duration claimLease) {
    this.claimLease = claimLease;
  }

  /** How long a run waits for a call another run holds. */
  public Duration getClaimWait() {
    return claimWait;
  }

  /** Sets how long a run waits for a call another run holds. */
  public void setClaimWait(Duration claimWait) {
    this.claimWait = claimWait;
  }

  /** How long an approval request may be approved. */
  public Duration getApprovalTtl() {
    return approvalTtl;
  }

  /** Sets how long an approval request may be approved. */
  public void setApprovalTtl(Duration approvalTtl) {
    this.approvalTtl = approvalTtl;
  }

  /** The approval signing key as configured, or null. */
  public @Nullable String getApprovalSigningKey() {
    return approvalSigningKey;
  }

  /** Sets the approval signing key: UTF-8 text, or base64 after {@value #BASE64_PREFIX}. */
  public void setApprovalSigningKey(@Nullable String approvalSigningKey) {
    this.approvalSigningKey = approvalSigningKey;
  }

  /**
   * The signer of {@code toolguard.approval-signing-key}, or null when it is not set. The messages of
   * its errors name the property and never show the key.
   *
   * @throws IllegalArgumentException when the key is blank, not valid base64 after the prefix, or
   *     shorter than 32 bytes
   */
  public @Nullable ApprovalSigner approvalSigner() {
    String key = approvalSigningKey;
    if (key == null) {
      return null;
    }
    if (key.isBlank()) {
      throw new IllegalArgumentException(APPROVAL_SIGNING_KEY + " is set but empty; give a secret of at least 32"
          + " bytes (e.g. base64:<the output of openssl rand -base64 48>) or remove the property");
    }
    byte[] bytes;
    String form;
    if (key.startsWith(BASE64_PREFIX)) {
      form = "decoded from base64";
      try {
        bytes = Base64.getDecoder().decode(key.substring(BASE64_PREFIX.length()).strip());
      } catch (IllegalArgumentException e) {
        // the decoder's message quotes a character of the key: it is not passed on
        throw new IllegalArgumentException(APPROVAL_SIGNING_KEY + " starts with '" + BASE64_PREFIX + "' but the"
            + " rest is not base64 (standard alphabet A-Z a-z 0-9 + /, padding optional)");
      }
    } else {
      form = "as UTF-8 text";
      bytes = key.getBytes(StandardCharsets.UTF_8);
    }
    if (bytes.length < 32) {
      throw new IllegalArgumentException(APPROVAL_SIGNING_KEY + " must be at least 32 bytes long, it is "
          + bytes.length + " (" + form + "); e.g. base64:<the output of openssl rand -base64 48>");
    }
    return ApprovalSigner.hmacSha256(bytes);
  }

  /**
   * The loop settings these properties describe.
   *
   * @throws IllegalArgumentException naming the setting when a value is out of range (the property,
   *     for the claim and approval times)
   */
  public LoopConfig toLoopConfig() {
    LoopConfig.Builder b = LoopConfig.custom()
        .maxIterations(maxIterations)
        .maxCallsPerRequest(maxCallsPerRequest)
        .maxConcurrency(maxConcurrency)
        .callTimeout(callTimeout)
        .detailedErrors(detailedErrors)
        .approvalRequired(approvalRequired)
        .historyPolicy(historyPolicy)
        .maxConsecutiveErrors(maxConsecutiveErrors)
        .unknownToolPolicy(unknownToolPolicy)
        .pendingPolicy(pendingPolicy)
        .runOthersWhileAwaitingApproval(runOthersWhileAwaitingApproval)
        .sequentialTools(sequentialTools)
        .rejectionText(rejectionText)
        .notAnsweredText(notAnsweredText)
        .outcomeUnknownText(outcomeUnknownText)
        .maxArgumentsLength(maxArgumentsLength)
        .maxOutputLength(maxOutputLength)
        .inlineSingleCalls(inlineSingleCalls)
        .claimWait(atLeastZero(CLAIM_WAIT, claimWait))
        .approvalTtl(positive(APPROVAL_TTL, approvalTtl));
    Duration lease = claimLease;
    if (lease != null) {
      positive(CLAIM_LEASE, lease);
      if (callTimeout != null && lease.compareTo(callTimeout) <= 0) {
        throw new IllegalArgumentException(CLAIM_LEASE + " (" + lease + ") must be longer than toolguard.call-timeout ("
            + callTimeout + "): a claim whose lease ends while its call still runs lets another run take the call"
            + " over; raise it or remove it (default: call-timeout plus 30 s)");
      }
      b.claimLease(lease);
    }
    return b.build();
  }

  private static Duration positive(String property, @Nullable Duration value) {
    if (value == null || value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(property + " must be a positive duration (e.g. 30s, 5m, 7d), was " + value);
    }
    return value;
  }

  private static Duration atLeastZero(String property, @Nullable Duration value) {
    if (value == null || value.isNegative()) {
      throw new IllegalArgumentException(property + " must be zero (do not wait) or a positive duration (e.g. 10s),"
          + " was " + value);
    }
    return value;
  }
}
