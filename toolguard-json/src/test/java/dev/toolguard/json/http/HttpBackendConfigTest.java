package dev.toolguard.json.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpBackendConfigTest {

  private static HttpBackendConfig.Builder valid() {
    return HttpBackendConfig.builder().model("gpt-4.1-mini");
  }

  @Test
  void defaults() {
    HttpBackendConfig c = valid().build();
    assertThat(c.baseUrl()).isNull();
    assertThat(c.apiKey()).isNull();
    assertThat(c.model()).isEqualTo("gpt-4.1-mini");
    assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.requestTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.headers()).isEmpty();
    assertThat(c.bodyFields()).isEmpty();
    assertThat(c.httpClient()).isNull();
  }

  @Test
  void everyValueIsKeptAndTheConfigurationIsImmutable() {
    HttpClient client = HttpClient.newHttpClient();
    HttpBackendConfig.Builder b = valid()
        .baseUrl("https://example.test/v1//")
        .apiKey(" sk-1 ")
        .connectTimeout(Duration.ofSeconds(3))
        .requestTimeout(Duration.ofSeconds(30))
        .header("OpenAI-Organization", "org-1")
        .bodyField("temperature", 0.1)
        .bodyField("stop", List.of("END", 1, true))
        .bodyField("reasoning", Map.of("effort", "low"))
        .bodyField("user", null)
        .httpClient(client);
    HttpBackendConfig c = b.build();
    b.header("X-Later", "1").bodyField("later", 1);

    assertThat(c.baseUrl()).isEqualTo(URI.create("https://example.test/v1"));
    assertThat(c.apiKey()).isEqualTo("sk-1");
    assertThat(c.headers()).containsExactly(Map.entry("OpenAI-Organization", "org-1"));
    assertThat(c.bodyFields().keySet()).containsExactly("temperature", "stop", "reasoning", "user");
    assertThat(c.bodyFields().get("temperature").toString()).isEqualTo("0.1");
    assertThat(c.bodyFields().get("stop").toString()).isEqualTo("[\"END\",1,true]");
    assertThat(c.bodyFields().get("user").isNull()).isTrue();
    c.bodyFields().get("reasoning").withObject("/x");
    assertThat(c.bodyFields().get("reasoning").toString()).isEqualTo("{\"effort\":\"low\"}");
    assertThat(c.httpClient()).isSameAs(client);
    assertThat(c.toBuilder().model("other").build().bodyFields()).isEqualTo(c.bodyFields());
    assertThat(c.toString()).contains("apiKey=***").doesNotContain("sk-1");
  }

  @Test
  void aModelIsRequired() {
    assertThatThrownBy(() -> HttpBackendConfig.builder().build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no model given");
    assertThatThrownBy(() -> valid().model(" ")).hasMessageContaining("model is blank");
  }

  @Test
  void badBaseUrlsAreRefused() {
    assertThatThrownBy(() -> valid().baseUrl("ftp://example.test/v1")).hasMessageContaining("not an http or https URL");
    assertThatThrownBy(() -> valid().baseUrl("http://")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> valid().baseUrl("https://example.test/v1?api-version=1"))
        .hasMessageContaining("query or a fragment");
    assertThatThrownBy(() -> valid().baseUrl("https://exa mple.test")).hasMessageContaining("is not a URL");
    assertThatThrownBy(() -> valid().baseUrl("/v1")).hasMessageContaining("not an http or https URL");
  }

  @Test
  void badKeysHeadersTimeoutsAndBodyFieldsAreRefused() {
    assertThatThrownBy(() -> valid().apiKey(null)).hasMessageContaining("environment variable");
    assertThatThrownBy(() -> valid().apiKey("sk\n1")).hasMessageContaining("line break");
    assertThatThrownBy(() -> valid().header("Content-Length", "1")).hasMessageContaining("cannot be configured");
    assertThatThrownBy(() -> valid().header("Bad Name", "1")).hasMessageContaining("not a valid HTTP header name");
    assertThatThrownBy(() -> valid().header("X-A", "1\r\nX-B: 2")).hasMessageContaining("line break");
    assertThatThrownBy(() -> valid().requestTimeout(Duration.ZERO)).hasMessageContaining("positive");
    assertThatThrownBy(() -> valid().connectTimeout(Duration.ofSeconds(-1))).hasMessageContaining("positive");
    assertThatThrownBy(() -> valid().bodyField("stream", true)).hasMessageContaining("call stream(");
    assertThatThrownBy(() -> valid().bodyField("model", "x")).hasMessageContaining("model(");
    assertThatThrownBy(() -> valid().bodyField("messages", List.of())).hasMessageContaining("history");
    assertThatThrownBy(() -> valid().bodyField("when", java.time.Instant.EPOCH))
        .hasMessageContaining("when is a java.time.Instant");
    assertThatThrownBy(() -> valid().bodyField("x", Map.of("a", List.of(Double.NaN))))
        .hasMessageContaining("x.a[0] is NaN");
    assertThatThrownBy(() -> valid().httpClient(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void jsonTreesAreCopied() {
    JsonNode tree = dev.toolguard.json.internal.Json.parse("{\"a\":[1]}");
    HttpBackendConfig c = valid().bodyField("x", tree).build();
    ((com.fasterxml.jackson.databind.node.ObjectNode) tree).put("b", 2);
    assertThat(c.bodyFields().get("x").toString()).isEqualTo("{\"a\":[1]}");
  }
}
