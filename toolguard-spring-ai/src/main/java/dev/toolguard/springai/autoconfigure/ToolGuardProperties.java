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

/**
 * The {@code toolguard.*} properties of the Spring Boot auto-configuration. Defaults are those of
 * {@link LoopConfig#ofDefaults()}.
 */
@ConfigurationProperties(prefix = "toolguard")
public class ToolGuardProperties {

  /** The property that holds the approval signing key. */
  public static final String APPROVAL_SIGNING_KEY = "toolguard.approval-signing-key";

  /** The property that holds how long a run holds the claim of a call it runs. */
  public static final String CLAIM_LEASE = "toolguard.claim-lease";

  /** The property that holds how long a run waits for a call another run holds. */
  public static final String CLAIM_WAIT = "toolguard.claim-wait";

  /** The property that holds how long an approval request may be approved. */
  public static final String APPROVAL_TTL = "toolguard.approval-ttl";

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

  /** Whether the auto-configuration is on. */
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

  /** How many model requests one run of the tool loop may make. */
  private int maxIterations = 10;

  /** How many tool calls one run may make in total. */
  private int maxCallsPerRequest = 64;

  /** How many tool calls may run at the same time (1 = one after another). */
  private int maxConcurrency = 4;

  /** How long one tool call may run before it is stopped and answered with an error. */
  private Duration callTimeout = Duration.ofSeconds(60);

  /** Whether the model sees the exception text of a failed tool (else only that it failed). */
  private boolean detailedErrors = false;

  /** Names of the tools whose every call waits for human approval. */
  private Set<String> approvalRequired = new LinkedHashSet<>();

  /** What to do with a broken history before a request: repair it, or reject it with an error. */
  private LoopConfig.HistoryPolicy historyPolicy = LoopConfig.HistoryPolicy.REPAIR;

  /** Whether the advisor is added to every ChatClient.Builder that Spring Boot makes. */
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
  private Duration claimWait = LoopConfig.ofDefaults().claimWait();

  /** How long an approval request may be approved after it was issued. */
  private Duration approvalTtl = LoopConfig.ofDefaults().approvalTtl();

  /**
   * The secret that approval requests are signed with (HMAC-SHA256), so that only answers to requests
   * this application made are honoured: at least 32 bytes, as UTF-8 text or, after "base64:", in
   * base64. Never logged.
   */
  private @Nullable String approvalSigningKey;

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
