package dev.toolguard.springai.autoconfigure;

import dev.toolguard.core.loop.ApprovalRules;
import dev.toolguard.core.loop.ApprovalSigner;
import dev.toolguard.core.loop.CallJournal;
import dev.toolguard.core.loop.LoopListener;
import dev.toolguard.springai.ToolGuardAdvisor;
import dev.toolguard.springai.ToolGuardChatMemory;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientCustomizer;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Spring Boot auto-configuration of toolguard for Spring AI: a {@link ToolGuardAdvisor} bean built
 * from the {@code toolguard.*} properties, added to every {@code ChatClient.Builder} that Spring
 * Boot makes (in place of Spring AI's tool-calling advisor), and every {@link ChatMemory} bean
 * wrapped in a {@link ToolGuardChatMemory}. The advisor keeps conversations in the {@code ChatMemory}
 * bean with {@code toolguard.use-chat-memory=true} and signs approvals with {@code
 * toolguard.approval-signing-key}. On when Spring AI's {@code ChatClient} is on the class path and
 * {@code toolguard.enabled} is not false.
 */
@AutoConfiguration
@ConditionalOnClass({ChatClient.class, ToolGuardAdvisor.class})
@ConditionalOnProperty(prefix = "toolguard", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(ToolGuardProperties.class)
public class ToolGuardAutoConfiguration {

  /** Creates the auto-configuration. */
  public ToolGuardAutoConfiguration() {}

  /**
   * The advisor, from the properties; a {@link LoopListener}, {@link ApprovalRules} or {@link
   * CallJournal} bean is used when there is one. With {@code toolguard.use-chat-memory} it keeps
   * conversations in the {@link ChatMemory} bean; with {@code toolguard.approval-signing-key} it signs
   * approvals.
   *
   * @throws IllegalArgumentException naming the property when a setting is wrong
   */
  @Bean
  @ConditionalOnMissingBean
  public ToolGuardAdvisor toolGuardAdvisor(ToolGuardProperties properties, ObjectProvider<LoopListener> listener,
      ObjectProvider<ApprovalRules> rules, ObjectProvider<CallJournal> journal,
      ObjectProvider<ChatMemory> chatMemory) {
    ToolGuardAdvisor.Builder builder = ToolGuardAdvisor.builder().config(properties.toLoopConfig());
    listener.ifUnique(builder::listener);
    rules.ifUnique(builder::approvalRules);
    journal.ifUnique(builder::journal);
    ApprovalSigner signer = properties.approvalSigner();
    if (signer != null) {
      builder.signApprovals(signer);
    }
    String conversationId = properties.getDefaultConversationId();
    if (properties.isUseChatMemory()) {
      ChatMemory memory = chatMemory.getIfUnique();
      if (memory == null) {
        long found = chatMemory.stream().count();
        throw new IllegalArgumentException("toolguard.use-chat-memory is true, but there is "
            + (found == 0 ? "no ChatMemory bean" : found + " ChatMemory beans and none is @Primary")
            + "; define one (Spring AI's chat memory starter does), mark one @Primary, or build your own"
            + " ToolGuardAdvisor bean");
      }
      builder.chatMemory(memory);
      if (conversationId != null) {
        if (conversationId.isBlank()) {
          throw new IllegalArgumentException("toolguard.default-conversation-id is set but empty; give a"
              + " conversation id or remove the property");
        }
        builder.defaultConversationId(conversationId);
      }
    } else if (conversationId != null) {
      throw new IllegalArgumentException("toolguard.default-conversation-id is set, but toolguard.use-chat-memory"
          + " is not true: it only names the conversation the advisor keeps in the chat memory");
    }
    return builder.build();
  }

  /**
   * With {@code toolguard.journal=jdbc}: the call journal in a table of the application's {@code
   * DataSource}, so that a call runs once across every instance that shares the database. An
   * application's own {@link CallJournal} bean wins.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "dev.toolguard.jdbc.JdbcCallJournal")
  @ConditionalOnProperty(prefix = "toolguard", name = "journal", havingValue = "jdbc")
  static class JdbcJournalConfiguration {

    /**
     * The journal on the only (or primary) {@code DataSource}.
     *
     * @throws IllegalArgumentException naming the property when there is no DataSource
     */
    @Bean
    @ConditionalOnMissingBean(CallJournal.class)
    CallJournal toolGuardCallJournal(ObjectProvider<javax.sql.DataSource> dataSource, ToolGuardProperties properties) {
      javax.sql.DataSource ds = dataSource.getIfAvailable();
      if (ds == null) {
        throw new IllegalArgumentException(ToolGuardProperties.JOURNAL + "=jdbc needs a DataSource bean (add"
            + " spring-boot-starter-jdbc and spring.datasource.url), or remove the property to keep the journal in"
            + " memory");
      }
      return dev.toolguard.jdbc.JdbcCallJournal.builder(ds).createTable(properties.isJdbcCreateTables()).build();
    }
  }

  /**
   * With {@code toolguard.journal=jdbc} but without toolguard-jdbc on the class path: a start-up error
   * that says which artifact to add, instead of a journal silently kept in memory.
   */
  @Configuration(proxyBeanMethods = false)
  @org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass("dev.toolguard.jdbc.JdbcCallJournal")
  @ConditionalOnProperty(prefix = "toolguard", name = "journal", havingValue = "jdbc")
  static class MissingJdbcModule {
    MissingJdbcModule() {
      throw new IllegalArgumentException(ToolGuardProperties.JOURNAL + "=jdbc needs dev.toolguard:toolguard-jdbc on"
          + " the class path; add it as a dependency, or remove the property to keep the journal in memory");
    }
  }

  /** Adds the advisor to every {@code ChatClient.Builder} that Spring Boot makes. */
  @Bean
  @ConditionalOnProperty(prefix = "toolguard", name = "register-advisor", havingValue = "true", matchIfMissing = true)
  public ChatClientCustomizer toolGuardChatClientCustomizer(ToolGuardAdvisor advisor) {
    return builder -> builder.defaultAdvisors(advisor);
  }

  /** Wraps every {@link ChatMemory} bean so that it never hands out a broken history. */
  @Bean
  @ConditionalOnProperty(prefix = "toolguard", name = "guard-chat-memory", havingValue = "true", matchIfMissing = true)
  public static BeanPostProcessor toolGuardChatMemoryPostProcessor() {
    return new BeanPostProcessor() {
      @Override
      public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof ChatMemory memory && !(bean instanceof ToolGuardChatMemory)) {
          return ToolGuardChatMemory.of(memory);
        }
        return bean;
      }
    };
  }
}
