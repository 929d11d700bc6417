package dev.toolguard.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.RepairAction;
import dev.toolguard.json.internal.Json;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.properties.PropertyBudget;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.PropagationMode;

/**
 * OpenAI Responses pairs a reasoning item with the item after it by that item's id
 * (openai-node#1567, vercel/ai#7099): over random valid conversations of the Responses generators
 * (reasoning items before calls and assistant messages, MCP rounds, stored responses, the odd call
 * ids of the field), the call or message after one reasoning item loses its id, as a client that
 * does not keep it stores it. Then the referee refuses the body with the provider's words; check
 * flags exactly that reasoning item with the same words; repair removes exactly that reasoning item,
 * reported, and nothing else, and the referee accepts what it sends.
 */
@AddLifecycleHook(value = PropertyBudget.class, propagateTo = PropagationMode.ALL_DESCENDANTS)
class ResponsesReasoningIdProperties {

  private static final Dialect D = Dialect.OPENAI_RESPONSES;
  private static final WireGuard GUARD = WireGuard.ofDefaults();
  private static ProviderReferee referee;

  @BeforeContainer
  static void start() {
    referee = ProviderReferee.builder().start();
  }

  @AfterContainer
  static void stop() {
    referee.close();
  }

  @Provide
  Arbitrary<Choices> choices() {
    return Choices.arbitrary();
  }

  @Property(tries = 300)
  void anItemAfterAReasoningItemWithoutItsIdIsFlaggedRefusedAndRepaired(@ForAll("choices") Choices choices,
      @ForAll @IntRange(min = 0, max = 1_000) int pick) {
    Conversations conversations = new Conversations(D, choices);
    ObjectNode valid = conversations.valid();
    ArrayNode input = (ArrayNode) valid.get("input");
    List<Integer> reasonings = new ArrayList<>();
    for (int j = 0; j + 1 < input.size(); j++) {
      String next = input.get(j + 1).path("type").asText("message");
      if (input.get(j).path("type").asText().equals("reasoning") && input.get(j + 1).hasNonNull("id")
          && (next.equals("function_call") || next.equals("message"))) {
        reasonings.add(j);
      }
    }
    Assume.that(!reasonings.isEmpty());
    String validText = Json.write(valid);
    assertThat(judge(validText, conversations)).as("the valid body %s", validText).isEqualTo("accepted");

    int j = reasonings.get(pick % reasonings.size());
    String reasoningId = input.get(j).get("id").asText();
    ObjectNode broken = valid.deepCopy();
    ((ObjectNode) broken.get("input").get(j + 1)).remove("id");
    String body = Json.write(broken);
    String words = "Item '" + reasoningId + "' of type 'reasoning' was provided without its required following item.";

    assertThat(judge(body, conversations)).as(body).isEqualTo(words);
    assertThat(GUARD.check(D, body)).as(body)
        .extracting(WireViolation::code, WireViolation::path, WireViolation::providerError)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("REASONING_WITHOUT_FOLLOWING_ITEM", "input[" + j + "]",
            words));

    WireRepair repair = GUARD.repair(D, body);
    assertThat(repair.actions()).as(body).hasSize(1);
    assertThat(repair.actions().get(0).kind()).isEqualTo(RepairAction.Kind.DROP);
    assertThat(repair.actions().get(0).detail()).startsWith("removed reasoning item " + reasoningId + ": ");
    ObjectNode expected = broken.deepCopy();
    ((ArrayNode) expected.get("input")).remove(j);
    assertThat(Json.parse(repair.body())).as(body).isEqualTo(expected);
    assertThat(judge(repair.body(), conversations)).as(repair.body()).isEqualTo("accepted");
    assertThat(GUARD.check(D, repair.body())).isEmpty();
  }

  /** {@code "accepted"}, or the referee's error message; the stored response the body continues stored first. */
  private static String judge(String body, Conversations conversations) {
    try {
      if (!conversations.stored().isEmpty()) {
        referee.responses().produced(Conversations.PREVIOUS_RESPONSE, conversations.stored());
      }
      return RefereeVerdicts.post(referee, D, body).acceptedOrError();
    } finally {
      referee.clearRequests();
      referee.responses().clear();
    }
  }
}
