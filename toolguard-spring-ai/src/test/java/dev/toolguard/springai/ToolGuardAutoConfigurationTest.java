package dev.toolguard.springai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.Metadata;
import dev.toolguard.core.loop.ApprovalSigner;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopListener;
import dev.toolguard.springai.autoconfigure.ToolGuardAutoConfiguration;
import dev.toolguard.testkit.ConsoleCapture;
import dev.toolguard.testkit.Reply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientCustomizer;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.memory.MessageWindowChatMemory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class ToolGuardAutoConfigurationTest extends RefereeSupport {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(ToolGuardAutoConfiguration.class));

  @Test
  void registersTheAdvisorWithTheDefaults() {
    runner.run(context -> {
      assertThat(context).hasSingleBean(ToolGuardAdvisor.class).hasSingleBean(ChatClientCustomizer.class);
      LoopConfig config = context.getBean(ToolGuardAdvisor.class).config();
      assertThat(config.maxIterations()).isEqualTo(LoopConfig.ofDefaults().maxIterations());
      assertThat(config.maxConcurrency()).isEqualTo(LoopConfig.ofDefaults().maxConcurrency());
      assertThat(config.historyPolicy()).isEqualTo(LoopConfig.HistoryPolicy.REPAIR);
      assertThat(config.approvalRequired()).isEmpty();
    });
  }

  @Test
  void bindsTheToolguardProperties() {
    runner.withPropertyValues("toolguard.max-iterations=3", "toolguard.max-calls-per-request=9",
        "toolguard.max-concurrency=2", "toolguard.call-timeout=5s", "toolguard.detailed-errors=true",
        "toolguard.approval-required=pay,refund", "toolguard.history-policy=reject").run(context -> {
          LoopConfig config = context.getBean(ToolGuardAdvisor.class).config();
          assertThat(config.maxIterations()).isEqualTo(3);
          assertThat(config.maxCallsPerRequest()).isEqualTo(9);
          assertThat(config.maxConcurrency()).isEqualTo(2);
          assertThat(config.callTimeout()).isEqualTo(Duration.ofSeconds(5));
          assertThat(config.detailedErrors()).isTrue();
          assertThat(config.approvalRequired()).isEqualTo(Set.of("pay", "refund"));
          assertThat(config.historyPolicy()).isEqualTo(LoopConfig.HistoryPolicy.REJECT);
        });
  }

  @Test
  void theJournalIsKeptInTheApplicationsDatabaseWithJournalJdbc() {
    org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
    h2.setURL("jdbc:h2:mem:autoconfig-journal;DB_CLOSE_DELAY=-1");
    ApplicationContextRunner withDatabase = runner.withBean(javax.sql.DataSource.class, () -> h2);
    withDatabase.run(context -> assertThat(context).doesNotHaveBean(dev.toolguard.core.loop.CallJournal.class));
    withDatabase.withPropertyValues("toolguard.journal=jdbc").run(context -> {
      dev.toolguard.core.loop.CallJournal journal = context.getBean(dev.toolguard.core.loop.CallJournal.class);
      assertThat(journal).isInstanceOf(dev.toolguard.jdbc.JdbcCallJournal.class);
      // the table is made on first use, and what one instance claims another sees
      dev.toolguard.core.loop.CallKey key = dev.toolguard.core.loop.CallKey.of("conv",
          dev.toolguard.core.ToolCall.of("call_0", "pay", "{}"), "n1");
      java.time.Instant now = java.time.Instant.parse("2026-12-07T10:00:00Z");
      assertThat(journal.claim(key, "one", now, Duration.ofSeconds(90)))
          .isInstanceOf(dev.toolguard.core.loop.Claim.Acquired.class);
      assertThat(dev.toolguard.jdbc.JdbcCallJournal.of(h2).claim(key, "two", now, Duration.ofSeconds(90)))
          .isInstanceOf(dev.toolguard.core.loop.Claim.Held.class);
    });
    runner.withPropertyValues("toolguard.journal=jdbc").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().hasMessage("toolguard.journal=jdbc needs a DataSource bean"
          + " (add spring-boot-starter-jdbc and spring.datasource.url), or remove the property to keep the journal in"
          + " memory");
    });
    runner.withPropertyValues("toolguard.journal=jdbc")
        .withClassLoader(new org.springframework.boot.test.context.FilteredClassLoader(
            dev.toolguard.jdbc.JdbcCallJournal.class))
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure()).rootCause().hasMessage("toolguard.journal=jdbc needs"
              + " dev.toolguard:toolguard-jdbc on the class path; add it as a dependency, or remove the property");
        });
    runner.withPropertyValues("toolguard.journal=disk").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("disk");
    });
  }

  @Test
  void conversationsAreKeptWholeInTheApplicationsDatabaseWithMemoryStoreJdbc() {
    org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
    h2.setURL("jdbc:h2:mem:autoconfig-store;DB_CLOSE_DELAY=-1");
    ApplicationContextRunner withDatabase = runner.withBean(javax.sql.DataSource.class, () -> h2);
    withDatabase.run(context -> {
      assertThat(context).doesNotHaveBean(dev.toolguard.core.conversation.ConversationStore.class);
      assertThat(context.getBean(ToolGuardAdvisor.class).conversationStore()).isNull();
    });
    withDatabase.withPropertyValues("toolguard.memory.store=jdbc").run(context -> {
      dev.toolguard.core.conversation.ConversationStore store =
          context.getBean(dev.toolguard.core.conversation.ConversationStore.class);
      assertThat(store).isInstanceOf(dev.toolguard.jdbc.JdbcConversationStore.class);
      assertThat(context.getBean(ToolGuardAdvisor.class).conversationStore()).isSameAs(store);
      java.util.List<dev.toolguard.core.Message> history = java.util.List.of(dev.toolguard.core.Message.user("hi"));
      assertThat(store.save("c1", 0, history)).isEqualTo(1);
      assertThat(dev.toolguard.jdbc.JdbcConversationStore.of(h2, dev.toolguard.json.HistoryJson.codec()).load("c1"))
          .isEqualTo(new dev.toolguard.core.conversation.ConversationStore.Snapshot(history, 1));
    });
    withDatabase.withPropertyValues("toolguard.memory.store=jdbc", "toolguard.use-chat-memory=true")
        .withBean(ChatMemory.class, () -> org.springframework.ai.chat.memory.MessageWindowChatMemory.builder().build())
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure()).rootCause().hasMessage("toolguard.use-chat-memory is true and there"
              + " is a ConversationStore bean (toolguard.memory.store=jdbc); the advisor keeps conversations in one"
              + " place: remove one of them");
        });
    runner.withPropertyValues("toolguard.memory.store=jdbc").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().hasMessage("toolguard.memory.store=jdbc needs a DataSource"
          + " bean (add spring-boot-starter-jdbc and spring.datasource.url), or remove the property");
    });
    runner.withPropertyValues("toolguard.memory.store=jdbc")
        .withClassLoader(new org.springframework.boot.test.context.FilteredClassLoader(
            dev.toolguard.jdbc.JdbcConversationStore.class, dev.toolguard.json.HistoryJson.class))
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure()).rootCause().hasMessage("toolguard.memory.store=jdbc needs"
              + " dev.toolguard:toolguard-jdbc and dev.toolguard:toolguard-json on the class path; add them as"
              + " dependencies, or remove the property");
        });
  }

  @Test
  void bindsTheClaimAndApprovalTimes() {
    runner.run(context -> {
      LoopConfig config = context.getBean(ToolGuardAdvisor.class).config();
      assertThat(config.claimLease()).isEqualTo(Duration.ofSeconds(90));
      assertThat(config.claimWait()).isEqualTo(Duration.ofSeconds(10));
      assertThat(config.approvalTtl()).isEqualTo(Duration.ofDays(7));
    });
    runner.withPropertyValues("toolguard.call-timeout=5s").run(context ->
        assertThat(context.getBean(ToolGuardAdvisor.class).config().claimLease()).isEqualTo(Duration.ofSeconds(35)));
    runner.withPropertyValues("toolguard.claim-lease=2m", "toolguard.claim-wait=0", "toolguard.approval-ttl=1d")
        .run(context -> {
          LoopConfig config = context.getBean(ToolGuardAdvisor.class).config();
          assertThat(config.claimLease()).isEqualTo(Duration.ofMinutes(2));
          assertThat(config.claimWait()).isZero();
          assertThat(config.approvalTtl()).isEqualTo(Duration.ofDays(1));
        });
  }

  @Test
  void badClaimAndApprovalTimesFailTheContextNamingTheProperty() {
    assertStartupFails("toolguard.claim-lease=0s",
        "toolguard.claim-lease must be a positive duration (e.g. 30s, 5m, 7d), was PT0S", null);
    assertStartupFails("toolguard.claim-lease=30s", "toolguard.claim-lease (PT30S) must be longer than"
        + " toolguard.call-timeout (PT1M): a claim whose lease ends while its call still runs lets another run take"
        + " the call over; raise it or remove it (default: call-timeout plus 30 s)", null);
    assertStartupFails("toolguard.claim-wait=-1s",
        "toolguard.claim-wait must be zero (do not wait) or a positive duration (e.g. 10s), was PT-1S", null);
    assertStartupFails("toolguard.approval-ttl=-5m",
        "toolguard.approval-ttl must be a positive duration (e.g. 30s, 5m, 7d), was PT-5M", null);
  }

  @Test
  void aValueOutOfRangeFailsTheContextNamingTheSetting() {
    runner.withPropertyValues("toolguard.max-iterations=0").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause()
          .hasMessageContaining("toolguard.max-iterations must be at least 1, was 0");
    });
  }

  @Test
  void isOffWhenDisabledOrWithoutSpringAi() {
    runner.withPropertyValues("toolguard.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(ToolGuardAdvisor.class));
    runner.withClassLoader(new FilteredClassLoader(ChatClient.class))
        .run(context -> assertThat(context).doesNotHaveBean(ToolGuardAdvisor.class));
  }

  @Test
  void guardsChatMemoryBeansOnlyWhenAsked() {
    runner.withBean(ChatMemory.class, () -> MessageWindowChatMemory.builder().build())
        .run(context -> assertThat(context.getBean(ChatMemory.class)).isInstanceOf(MessageWindowChatMemory.class));
    runner.withBean(ChatMemory.class, () -> MessageWindowChatMemory.builder().build())
        .withPropertyValues("toolguard.guard-chat-memory=true").run(context ->
            assertThat(context.getBean(ChatMemory.class)).isInstanceOf(ToolGuardChatMemory.class));
  }

  /** An application that injects its memory by its own type. */
  static final class NeedsWindowMemory {
    final MessageWindowChatMemory memory;

    NeedsWindowMemory(MessageWindowChatMemory memory) {
      this.memory = memory;
    }
  }

  @Test
  void anApplicationInjectingItsMessageWindowChatMemoryByTypeStarts() {
    MessageWindowChatMemory memory = MessageWindowChatMemory.builder().build();
    runner.withBean(MessageWindowChatMemory.class, () -> memory)
        .withBean(NeedsWindowMemory.class)
        .withPropertyValues("toolguard.memory.store=none", "toolguard.use-chat-memory=true")
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(NeedsWindowMemory.class).memory).isSameAs(memory);
          assertThat(context.getBean(ToolGuardAdvisor.class).chatMemory()).isSameAs(memory);
        });
  }

  @Test
  void aChatMemoryRepositoryKeepsWholeMessagesInTheDatabaseWithMemoryRepositoryJdbc() {
    org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
    h2.setURL("jdbc:h2:mem:autoconfig-repository;DB_CLOSE_DELAY=-1");
    ApplicationContextRunner withDatabase = runner.withBean(javax.sql.DataSource.class, () -> h2);
    withDatabase.run(context ->
        assertThat(context).doesNotHaveBean(org.springframework.ai.chat.memory.ChatMemoryRepository.class));
    withDatabase.withPropertyValues("toolguard.memory.repository=jdbc").run(context -> {
      ToolGuardChatMemoryRepository repository = context.getBean(ToolGuardChatMemoryRepository.class);
      assertThat(context).doesNotHaveBean(dev.toolguard.core.conversation.ConversationStore.class);
      assertThat(context.getBean(ToolGuardAdvisor.class).conversationStore()).isNull();
      repository.saveAll("r1", java.util.List.of(new org.springframework.ai.chat.messages.UserMessage("hi")));
      assertThat(dev.toolguard.jdbc.JdbcConversationStore.of(h2, dev.toolguard.json.HistoryJson.codec()).load("r1")
          .version()).isEqualTo(1);
    });
    withDatabase.withPropertyValues("toolguard.memory.repository=jdbc", "toolguard.memory.store=jdbc")
        .run(context -> assertThat(context.getBean(ToolGuardChatMemoryRepository.class).store())
            .isSameAs(context.getBean(dev.toolguard.core.conversation.ConversationStore.class)));
    runner.withPropertyValues("toolguard.memory.repository=jdbc").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().hasMessage("toolguard.memory.repository=jdbc needs a"
          + " DataSource bean (add spring-boot-starter-jdbc and spring.datasource.url), or remove the property");
    });
  }

  @Test
  void theCustomizerPutsTheAdvisorOnEveryChatClient() {
    runner.withPropertyValues("toolguard.approval-required=weather").run(context -> {
      referee.script().enqueue(Reply.toolCalls(Reply.call("weather", "{\"city\":\"Oslo\"}").withId("call_1")));
      ChatClient.Builder builder = ChatClient.builder(model);
      context.getBean(ChatClientCustomizer.class).customize(builder);
      ToolGuardAdvisorTest.Weather weather = new ToolGuardAdvisorTest.Weather();

      var response = builder.build().prompt().user("Oslo?").tools(weather).call().chatClientResponse();

      assertThat(ToolGuardSpringAi.pending(response)).hasSize(1);
      assertThat(weather.calls).hasValue(0);
    });
    runner.withPropertyValues("toolguard.register-advisor=false")
        .run(context -> assertThat(context).doesNotHaveBean(ChatClientCustomizer.class));
  }

  @Test
  void usesAListenerBeanWhenThereIsOne() {
    java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
    LoopListener listener = new LoopListener() {
      @Override
      public void onRequest(dev.toolguard.core.loop.ChatRequest request, int iteration) {
        requests.incrementAndGet();
      }
    };
    runner.withBean(LoopListener.class, () -> listener).run(context -> {
      referee.script().enqueue(Reply.text("hi"));
      ChatClient client = ChatClient.builder(model).defaultAdvisors(context.getBean(ToolGuardAdvisor.class)).build();
      assertThat(client.prompt().user("hi").call().content()).isEqualTo("hi");
      assertThat(requests).hasValue(1);
    });
  }

  static final String KEY = "an approval signing key of 32+ bytes";

  @Test
  void keepsConversationsInTheChatMemoryBeanWhenToldTo() {
    ApplicationContextRunner withMemory = runner.withBean(ChatMemory.class,
        () -> MessageWindowChatMemory.builder().build());
    withMemory.run(context -> assertThat(context.getBean(ToolGuardAdvisor.class).chatMemory()).isNull());
    withMemory.withPropertyValues("toolguard.use-chat-memory=true", "toolguard.default-conversation-id=boot",
            "toolguard.guard-chat-memory=true")
        .run(context -> {
          ChatMemory memory = context.getBean(ChatMemory.class);
          ToolGuardAdvisor advisor = context.getBean(ToolGuardAdvisor.class);
          assertThat(advisor.chatMemory()).isSameAs(memory).isInstanceOf(ToolGuardChatMemory.class);

          referee.script().enqueue(Reply.text("hello"), Reply.text("again"));
          ChatClient client = ChatClient.builder(model).defaultAdvisors(advisor).build();
          client.prompt().user("hi").call().content();
          client.prompt().user("hi again").advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "other")).call()
              .content();
          assertThat(memory.get("boot")).extracting(m -> m.getText()).containsExactly("hi", "hello");
          assertThat(memory.get("other")).extracting(m -> m.getText()).containsExactly("hi again", "again");
        });
  }

  @Test
  void usesThePrimaryChatMemoryAndFailsWithoutASingleOneNamingTheProperty() {
    ApplicationContextRunner useMemory = runner.withPropertyValues("toolguard.use-chat-memory=true");
    useMemory.run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause()
          .hasMessageContaining("toolguard.use-chat-memory is true, but there is no ChatMemory bean");
    });
    ApplicationContextRunner two = useMemory
        .withBean("first", ChatMemory.class, () -> MessageWindowChatMemory.builder().build())
        .withBean("second", ChatMemory.class, () -> MessageWindowChatMemory.builder().build());
    two.run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause()
          .hasMessageContaining("there is 2 ChatMemory beans and none is @Primary");
    });
    two.withBean("primary", ChatMemory.class, () -> MessageWindowChatMemory.builder().build(),
        bd -> bd.setPrimary(true)).run(context ->
            assertThat(context.getBean(ToolGuardAdvisor.class).chatMemory()).isSameAs(context.getBean("primary")));
    runner.withPropertyValues("toolguard.default-conversation-id=x").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().hasMessageContaining(
          "toolguard.default-conversation-id is set, but toolguard.use-chat-memory is not true");
    });
  }

  /**
   * What signed the pending call the advisor the context built: "(unsigned)", or "key" when {@code
   * key} signed it (its signature covers the conversation, the call, its nonce and times), else "other".
   */
  private static String signatureOfAWaitingCall(ToolGuardAdvisor advisor, byte[] key) {
    referee.script().enqueue(Reply.toolCalls(Reply.call("weather", "{\"city\":\"Oslo\"}").withId("call_1")));
    var response = ChatClient.builder(model).defaultAdvisors(advisor).build().prompt().user("Oslo?")
        .tools(new ToolGuardAdvisorTest.Weather()).call().chatClientResponse();
    dev.toolguard.core.ApprovalRequest request = ToolGuardSpringAi.pending(response).get(0);
    Object signature = request.metadata().get(Metadata.SIGNATURE);
    if (signature == null) {
      return "(unsigned)";
    }
    Object conversation = request.metadata().get(Metadata.CONVERSATION);
    ApprovalSigner.Subject subject = new ApprovalSigner.Subject(
        conversation == null ? dev.toolguard.core.loop.CallKey.NO_CONVERSATION : conversation.toString(),
        request.call().asInvocable(), request.metadata().get(Metadata.NONCE).toString(),
        java.time.Instant.parse(request.metadata().get(Metadata.ISSUED_AT).toString()),
        java.time.Instant.parse(request.metadata().get(Metadata.EXPIRES_AT).toString()));
    return ApprovalSigner.hmacSha256(key).verify(subject, signature.toString()) ? "key" : "other";
  }

  @Test
  void signsApprovalsWithTheConfiguredKeyAsTextOrBase64() {
    byte[] key = KEY.getBytes(StandardCharsets.UTF_8);
    ApplicationContextRunner approvals = runner.withPropertyValues("toolguard.approval-required=weather");

    approvals.run(context -> assertThat(signatureOfAWaitingCall(context.getBean(ToolGuardAdvisor.class), key))
        .isEqualTo("(unsigned)"));
    approvals.withPropertyValues("toolguard.approval-signing-key=" + KEY).run(context ->
        assertThat(signatureOfAWaitingCall(context.getBean(ToolGuardAdvisor.class), key)).isEqualTo("key"));
    String base64 = Base64.getEncoder().encodeToString(key);
    approvals.withPropertyValues("toolguard.approval-signing-key=base64:" + base64).run(context ->
        assertThat(signatureOfAWaitingCall(context.getBean(ToolGuardAdvisor.class), key)).isEqualTo("key"));
    approvals.withPropertyValues("toolguard.approval-signing-key=base64:" + base64.replace("=", "")).run(context ->
        assertThat(signatureOfAWaitingCall(context.getBean(ToolGuardAdvisor.class), key)).isEqualTo("key"));
    approvals.withPropertyValues("toolguard.approval-signing-key=" + base64).run(context -> {
      ToolGuardAdvisor advisor = context.getBean(ToolGuardAdvisor.class);
      assertThat(signatureOfAWaitingCall(advisor, key)).as("without the prefix the base64 text itself is the key")
          .isEqualTo("other");
      assertThat(signatureOfAWaitingCall(advisor, base64.getBytes(StandardCharsets.UTF_8))).isEqualTo("key");
    });
  }

  @Test
  void aBadSigningKeyFailsTheContextNamingThePropertyNeverTheKey() {
    String shortSecret = "short-secret-key";
    String shortBase64 = Base64.getEncoder().encodeToString("short-secret-key-16".getBytes(StandardCharsets.UTF_8));
    String notBase64 = "base64:secret-key-with-dashes-and-*-stars-that-is-long-enough";
    assertStartupFails("toolguard.approval-signing-key=" + shortSecret,
        "toolguard.approval-signing-key must be at least 32 bytes long, it is 16 (as UTF-8 text)", shortSecret);
    assertStartupFails("toolguard.approval-signing-key=base64:" + shortBase64,
        "toolguard.approval-signing-key must be at least 32 bytes long, it is 19 (decoded from base64)", shortBase64);
    assertStartupFails("toolguard.approval-signing-key=" + notBase64,
        "toolguard.approval-signing-key starts with 'base64:' but the rest is not base64", "secret");
    assertStartupFails("toolguard.approval-signing-key= ", "toolguard.approval-signing-key is set but empty", null);
  }

  private void assertStartupFails(String property, String message, String secret) {
    String console = ConsoleCapture.of(() -> runner.withPropertyValues(property).run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().hasMessageContaining(message);
      if (secret != null) {
        for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
          assertThat(String.valueOf(t.getMessage())).as("no part of the key in any message").doesNotContain(secret);
        }
      }
    }));
    if (secret != null) {
      assertThat(console).as("nothing logged shows the key").doesNotContain(secret);
    }
  }
}
