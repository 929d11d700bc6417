package dev.toolguard.springai.autoconfigure;

import dev.toolguard.core.loop.LoopConfig;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code toolguard.*} properties of the Spring Boot auto-configuration. Defaults are those of
 * {@link LoopConfig#ofDefaults()}.
 */
@ConfigurationProperties(prefix = "toolguard")
public class ToolGuardProperties {

  /** Whether the auto-configuration is on. */
  private boolean enabled = true;

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

  /** Whether ChatMemory beans are wrapped so that they never hand out a broken history. */
  private boolean guardChatMemory = true;

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

  /**
   * The loop settings these properties describe.
   *
   * @throws IllegalArgumentException naming the setting when a value is out of range
   */
  public LoopConfig toLoopConfig() {
    return LoopConfig.custom()
        .maxIterations(maxIterations)
        .maxCallsPerRequest(maxCallsPerRequest)
        .maxConcurrency(maxConcurrency)
        .callTimeout(callTimeout)
        .detailedErrors(detailedErrors)
        .approvalRequired(approvalRequired)
        .historyPolicy(historyPolicy)
        .build();
  }
}
