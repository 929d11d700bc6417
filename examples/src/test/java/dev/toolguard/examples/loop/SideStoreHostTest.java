package dev.toolguard.examples.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.examples.internal.Histories;
import dev.toolguard.examples.internal.Http;
import dev.toolguard.json.http.HttpChatBackend;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The bare host of {@code hosted-approval} is no straw man: on the instance that asked, with its side
 * store intact, the approved call runs and the model answers; the same answer on another instance,
 * or after the file was lost, fails.
 */
class SideStoreHostTest {

  @Test
  void theInstanceThatAskedResumesTheCallAnotherOrOneThatLostItsFileCannot() throws Exception {
    try (ProviderReferee referee = ProviderReferee.start()) {
      HttpChatBackend model = HttpChatBackend.openAiChat(LoopWay.config(referee.openAiBaseUrl(), "test", LoopWay.MODEL));
      AtomicInteger payments = new AtomicInteger();
      Path dir = Files.createTempDirectory("side-store-test-");
      try (SideStoreHost a = new SideStoreHost(model, Histories.PAY, args -> {
            payments.incrementAndGet();
            return LoopWay.PAID;
          }, dir.resolve("a.json"))) {
        referee.script().enqueue(Reply.toolCall("pay", Histories.PAY_ARGUMENTS), Reply.text("Paid."));
        String id = LoopWay.approvalIn(LoopWay.hostPost(a.baseUrl(), LoopWay.ask(null)));
        assertThat(LoopWay.textIn(LoopWay.hostPost(a.baseUrl(), LoopWay.approve(null, id)))).isEqualTo("Paid.");
        assertThat(payments).hasValue(1);
        assertThat(referee.rejections()).isEmpty();

        referee.script().enqueue(Reply.toolCall("pay", Histories.PAY_ARGUMENTS));
        String lost = LoopWay.approvalIn(LoopWay.hostPost(a.baseUrl(), LoopWay.ask(null)));
        Files.delete(dir.resolve("a.json"));
        Http.Answer answered = Http.post(a.baseUrl() + "/responses", LoopWay.approve(null, lost).toString(), null,
            Duration.ofSeconds(30));
        assertThat(answered.status()).isEqualTo(400);
        assertThat(answered.errorMessage()).contains("is not in this instance's side store (a.json)");
        assertThat(payments).hasValue(1);
      }
    }
  }
}
