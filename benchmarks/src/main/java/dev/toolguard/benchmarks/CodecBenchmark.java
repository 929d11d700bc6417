package dev.toolguard.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.json.WireCodec;
import dev.toolguard.json.WireRequest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reading and writing a whole 1000-message request body of each dialect through its codec, against
 * a plain Jackson tree read and write of the same bytes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {

  @Param({"openai-chat", "openai-responses", "anthropic"})
  public String dialect;

  private final ObjectMapper mapper = new ObjectMapper();
  private WireCodec codec;
  private String body;
  private WireRequest request;
  private JsonNode tree;

  @Setup
  public void setUp() throws Exception {
    codec = WireCodec.of(Dialect.fromId(dialect));
    List<Message> history = SampleHistories.valid(1000, 42);
    ObjectNode envelope = mapper.createObjectNode();
    envelope.put("model", "some-model");
    if (codec.dialect() == Dialect.ANTHROPIC) {
      envelope.put("max_tokens", 1024);
      envelope.put("system", history.get(0).text());
      history = history.stream().filter(m -> m.role() != Role.SYSTEM).toList();
      if (history.get(history.size() - 1).role() == Role.USER || history.get(0).role() != Role.USER) {
        history = history.subList(history.get(0).role() == Role.USER ? 0 : 1, history.size());
      }
    }
    body = codec.write(new WireRequest(codec.dialect(), history, envelope));
    if (!codec.write(codec.read(body)).equals(body)) {
      throw new IllegalStateException("the " + dialect + " body does not round-trip");
    }
    request = codec.read(body);
    tree = mapper.readTree(body);
  }

  /** Parse to a tree and write it back: the floor for any codec that keeps every field. */
  @Benchmark
  public String baselineJacksonTree() throws Exception {
    return mapper.writeValueAsString(mapper.readTree(body));
  }

  /** Read into the core model and write back. */
  @Benchmark
  public String codecReadWrite() {
    return codec.write(codec.read(body));
  }

  /** The read half of the floor: parse to a tree. */
  @Benchmark
  public JsonNode baselineJacksonRead() throws Exception {
    return mapper.readTree(body);
  }

  /** The write half of the floor: write a tree. */
  @Benchmark
  public String baselineJacksonWrite() throws Exception {
    return mapper.writeValueAsString(tree);
  }

  /** The read half: into the core model. */
  @Benchmark
  public WireRequest codecRead() {
    return codec.read(body);
  }

  /** The write half: from the core model. */
  @Benchmark
  public String codecWrite() {
    return codec.write(request);
  }
}
