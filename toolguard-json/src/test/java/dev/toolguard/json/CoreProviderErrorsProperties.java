package dev.toolguard.json;

import dev.toolguard.testkit.properties.PropertyBudget;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.PropagationMode;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.Content;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Message;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.Violation;
import dev.toolguard.core.ViolationCode;
import dev.toolguard.json.internal.Json;
import dev.toolguard.testkit.ProviderReferee;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Core's own prediction of the provider's words, as the function-invoking loop has it (a history of
 * core records, checked with the loop's dialect, no codec involved): for a broken history of each
 * dialect, written by the dialect's codec in its plain shape (no templates, as a history the loop
 * built) and sent to the testkit referee, the referee refuses it exactly when core flags it, and its
 * words are one of the {@link Violation#providerError(Dialect)} texts of core's check — word for
 * word, indexes and listed ids included.
 *
 * <p>Only histories without an empty call id, whose body breaks no limit of the dialect's beside the invariant (call id
 * characters and lengths, Responses item ids and reasoning pairs, Anthropic thinking), which core does
 * not know, are judged; the others are discarded.
 */
@AddLifecycleHook(value = PropertyBudget.class, propagateTo = PropagationMode.ALL_DESCENDANTS)
class CoreProviderErrorsProperties {

  private static final HistoryGuard CORE = HistoryGuard.ofDefaults();
  private static final Set<String> CORE_CODES =
      Arrays.stream(ViolationCode.values()).map(Enum::name).collect(Collectors.toSet());
  private static ProviderReferee referee;

  @BeforeContainer
  static void start() {
    referee = ProviderReferee.start();
  }

  @AfterContainer
  static void stop() {
    referee.close();
  }

  @Provide
  Arbitrary<Choices> choices() {
    return Choices.arbitrary();
  }

  // most random bodies carry a fault that is the dialect's, not core's, or a stored call: they are set
  // aside (Assume), so the discard ratio is raised above jqwik's default of 5 for a random seed to pass
  @Property(tries = 400, maxDiscardRatio = 20, edgeCases = EdgeCasesMode.NONE, generation = GenerationMode.RANDOMIZED)
  void openAiChatCoreWordsAreTheProviders(@ForAll("choices") Choices choices) {
    coreWordsAreTheProviders(Dialect.OPENAI_CHAT, choices);
  }

  @Property(tries = 400, maxDiscardRatio = 20, edgeCases = EdgeCasesMode.NONE, generation = GenerationMode.RANDOMIZED)
  void openAiResponsesCoreWordsAreTheProviders(@ForAll("choices") Choices choices) {
    coreWordsAreTheProviders(Dialect.OPENAI_RESPONSES, choices);
  }

  @Property(tries = 400, maxDiscardRatio = 20, edgeCases = EdgeCasesMode.NONE, generation = GenerationMode.RANDOMIZED)
  void anthropicCoreWordsAreTheProviders(@ForAll("choices") Choices choices) {
    coreWordsAreTheProviders(Dialect.ANTHROPIC, choices);
  }

  private static void coreWordsAreTheProviders(Dialect dialect, Choices choices) {
    Conversations conversations = new Conversations(dialect, choices);
    ObjectNode corrupted = conversations.corrupt(conversations.valid());
    Assume.that(conversations.storedCall() == null && !conversations.thinkingOn());
    WireCodec codec = WireCodec.of(dialect);
    WireRequest read = codec.read(Json.write(corrupted));
    List<Message> history = plain(read.history());
    String body = codec.write(read.withHistory(history));
    // only faults of the invariant: a limit of the dialect's is not core's to know
    Assume.that(WireGuard.ofDefaults().check(dialect, body).stream().allMatch(v -> CORE_CODES.contains(v.code())));
    Assume.that(!history.isEmpty());
    // an empty call id is written as "" in the plain shape, where the providers' checks of string
    // lengths come first; core words it by its code (WireGuard words it from the body)
    Assume.that(history.stream().flatMap(m -> m.contents().stream()).noneMatch(c ->
        (c instanceof ToolCall call && call.callId().isEmpty()) || (c instanceof ToolResult r && r.callId().isEmpty())));

    List<Violation> violations = CORE.check(history, dialect);
    RefereeVerdicts.Verdict verdict = post(dialect, body);
    String context = dialect.id() + ": " + body + "\nviolations: " + violations + "\nanswer: " + verdict.body();
    assertThat(verdict.status() != 200).as("the referee refuses exactly what core flags: %s", context)
        .isEqualTo(!violations.isEmpty());
    if (verdict.status() != 200) {
      String message = Json.parse(verdict.body()).path("error").path("message").asText();
      assertThat(violations).as("the referee's words are among core's: %s", context)
          .extracting(v -> v.providerError(dialect)).contains(message);
    }
  }

  /** {@code history} as core or an adapter would hold it: the same records without the codec's templates. */
  private static List<Message> plain(List<Message> history) {
    List<Message> out = new ArrayList<>(history.size());
    for (Message m : history) {
      List<Content> contents = new ArrayList<>(m.contents().size());
      for (Content c : m.contents()) {
        if (c instanceof Text t) {
          contents.add(Text.of(t.text()));
        } else if (c instanceof ToolCall call) {
          contents.add(new ToolCall(call.callId(), call.name(), call.argumentsJson(), call.informational(), Map.of()));
        } else if (c instanceof ToolResult r) {
          contents.add(new ToolResult(r.callId(), r.name(), r.output(), r.error(), Map.of()));
        } else if (c instanceof dev.toolguard.core.Opaque o) {
          // an opaque item or part keeps only the marks that make it a part of its message
          Map<String, Object> marks = new java.util.HashMap<>();
          for (String key : List.of(WireMetadata.PART, WireMetadata.JOINED)) {
            if (o.metadata().containsKey(key)) {
              marks.put(key, o.metadata().get(key));
            }
          }
          contents.add(new dev.toolguard.core.Opaque(o.kind(), o.payload(), marks));
        } else {
          contents.add(c);
        }
      }
      out.add(new Message(m.role(), contents, Map.of()));
    }
    return out;
  }

  private static RefereeVerdicts.Verdict post(Dialect dialect, String body) {
    return RefereeVerdicts.judge(referee, dialect, body);
  }

}
