package dev.toolguard.examples.springai;

import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.conversation.ConversationStore;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.examples.springai.app.ApprovalApp;
import dev.toolguard.jdbc.JdbcConversationStore;
import dev.toolguard.json.HistoryJson;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.Reply;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Several instances of the example app ({@link ApprovalApp}) on one PostgreSQL, driven over HTTP
 * the way a load balancer and impatient users would, then checked from the database.
 *
 * <pre>
 * java -cp examples-spring-ai/target/toolguard-examples-spring-ai.jar \
 *     dev.toolguard.examples.springai.ScaleOut [--instances N] [--conversations M] [--seed S]
 * </pre>
 *
 * <p>It starts an embedded PostgreSQL (bound to 127.0.0.1) with the app's {@code payments} table and
 * toolguard's tables (from toolguard-jdbc's migrations), the testkit's referee as the model (a user
 * message naming an invoice gets a {@code pay} call with the id {@code call_0} in every conversation;
 * a request ending with a tool result gets a text quoting it), and N app instances as separate JVMs on
 * loopback ports, their output in files of a temporary directory. Then:
 *
 * <ol>
 *   <li>M conversations, each started on a random instance; each waits for approval of its payment;
 *   <li>each approval sent to two random instances at once (a double click, a load balancer's retry),
 *       then repeated on a live instance while the conversation still holds a waiting call (a 409
 *       says another instance is on it); every fourth conversation gets a third, stale copy later;
 *   <li>meanwhile one conversation, whose invoice starts with {@code HANG-}, is approved on one
 *       instance, whose {@code pay} records the payment and hangs ({@code app.payments.hang-prefix});
 *       the instance is killed as soon as the payment row is there, and the approval is repeated on a
 *       live instance until the claim's lease has ended: it comes back as "outcome unknown".
 * </ol>
 *
 * <p>Finally, from the database ({@link JdbcConversationStore} with {@link HistoryJson#codec()}, and
 * the {@code payments} table): every history passes {@link HistoryGuard#check}; every conversation
 * still holds its user's message; no history names another conversation's invoice; no invoice was
 * paid twice; every approved conversation holds either the payment's result (ran) or the "outcome
 * unknown" result (unknown). The last line printed is
 *
 * <pre>
 * scale-out: instances=N conversations=M approved=A ran=R unknown=U double-runs=D cross-conversation=X invalid-histories=I lost=L
 * </pre>
 *
 * <p>and the exit status is 0 only when D, X, I and L are 0, R + U = A, the referee refused no request,
 * no stale approval was accepted and every step went as it must (the line before says so). Every JVM it started is killed when it ends, also on Ctrl-C.
 */
public final class ScaleOut {

  /** The id the model gives every call, in every conversation. */
  static final String CALL_ID = "call_0";

  /** The prefix of the invoice whose payment hangs on the instance that is killed. */
  static final String HANG_PREFIX = "HANG-";

  static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
  static final Duration CLAIM_LEASE = Duration.ofSeconds(12);
  static final Duration CLAIM_WAIT = Duration.ofSeconds(2);
  static final Duration HTTP_TIMEOUT = Duration.ofSeconds(60);
  static final Duration START_TIMEOUT = Duration.ofSeconds(240);
  static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(120);
  static final Duration PAUSE = Duration.ofMillis(300);

  private static final Pattern INVOICE = Pattern.compile("\\b(?:INV|HANG)-[0-9]+\\b");
  private static final Pattern AMOUNT = Pattern.compile("\\(([0-9]+) EUR\\)");
  /** The pay tool's own result (Spring AI sends a String result as a JSON string). */
  private static final Pattern PAID = Pattern.compile("\"?paid [0-9]+ EUR for ");
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String UNKNOWN_RESULT = LoopConfig.DEFAULT_OUTCOME_UNKNOWN_TEXT.replace("{tool}", "pay");

  /** Every JVM started and not yet known dead, for the shutdown hook. */
  private static final Set<Process> STARTED = ConcurrentHashMap.newKeySet();

  private ScaleOut() {}

  /**
   * What a run found.
   *
   * @param instances app instances started
   * @param conversations conversations driven
   * @param approved conversations whose payment was approved
   * @param ran of those, how many hold the payment's own result
   * @param unknown of those, how many hold the "outcome unknown" result
   * @param doubleRuns invoices with more than one payment row
   * @param crossConversation histories that name another conversation's invoice
   * @param invalidHistories histories that {@link HistoryGuard#check} finds faults in
   * @param lost conversations whose user message is not stored
   * @param refereeRejections model requests the referee refused as invalid
   * @param staleAccepted stale approvals that an instance accepted (200)
   * @param failedSteps steps that did not go as they must (a conversation that did not wait for
   *     approval, an approval not settled in time, the killed instance's payment not "outcome unknown")
   */
  public record Figures(int instances, int conversations, int approved, int ran, int unknown, int doubleRuns,
      int crossConversation, int invalidHistories, int lost, int refereeRejections, int staleAccepted,
      int failedSteps) {

    /** Whether the run holds every rule. */
    public boolean ok() {
      return doubleRuns == 0 && crossConversation == 0 && invalidHistories == 0 && lost == 0
          && ran + unknown == approved && refereeRejections == 0 && staleAccepted == 0 && failedSteps == 0;
    }

    /** The summary line, as printed last. */
    public String line() {
      return "scale-out: instances=" + instances + " conversations=" + conversations + " approved=" + approved
          + " ran=" + ran + " unknown=" + unknown + " double-runs=" + doubleRuns + " cross-conversation="
          + crossConversation + " invalid-histories=" + invalidHistories + " lost=" + lost;
    }
  }

  /** The command line (picocli). */
  @picocli.CommandLine.Command(name = "ScaleOut", usageHelpAutoWidth = false,
      description = "Several JVMs on one database run many conversations at once; checks every rule afterwards.",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:the run held every rule", "1:it did not", "2:bad arguments"})
  static final class Args {
    @picocli.CommandLine.Option(names = "--instances", paramLabel = "N", defaultValue = "3",
        description = "JVMs, 2 or more (default: ${DEFAULT-VALUE})")
    int instances;

    @picocli.CommandLine.Option(names = "--conversations", paramLabel = "M", defaultValue = "200",
        description = "conversations (default: ${DEFAULT-VALUE})")
    int conversations;

    @picocli.CommandLine.Option(names = "--seed", paramLabel = "S", description = "the seed (default: a random one)")
    @Nullable Long seed;

    @picocli.CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;
  }

  /** Runs it from the command line; exits 0 when the run holds every rule, 1 when not, 2 on bad arguments. */
  public static void main(String[] args) {
    Args parsed = new Args();
    picocli.CommandLine cli = new picocli.CommandLine(parsed);
    try {
      cli.parseArgs(args);
      if (parsed.instances < 2) {
        throw new picocli.CommandLine.ParameterException(cli, "--instances needs 2 or more, got " + parsed.instances);
      }
    } catch (picocli.CommandLine.ParameterException e) {
      System.err.println("ScaleOut: " + e.getMessage());
      cli.usage(System.err, picocli.CommandLine.Help.Ansi.OFF);
      System.exit(2);
      return;
    }
    if (cli.isUsageHelpRequested()) {
      cli.usage(System.out, picocli.CommandLine.Help.Ansi.OFF);
      System.exit(0);
      return;
    }
    int instances = parsed.instances;
    int conversations = parsed.conversations;
    long seed = parsed.seed != null ? parsed.seed : new SecureRandom().nextLong();
    quietDatabaseLog();
    Runtime.getRuntime().addShutdownHook(new Thread(ScaleOut::killAll, "scale-out-cleanup"));
    int status;
    try {
      status = run(instances, conversations, seed, System.out).ok() ? 0 : 1;
    } catch (Exception e) {
      System.err.println("scale-out failed: " + e);
      status = 1;
    }
    System.exit(status);
  }

  /**
   * Runs the whole scenario in this JVM and returns its figures; the summary line is the last line
   * written to {@code out}. Every JVM it started has ended when it returns.
   *
   * @throws IllegalArgumentException unless {@code instances >= 2} and {@code conversations >= 2}
   * @throws IllegalStateException when an instance does not start or a step cannot complete in time
   */
  public static Figures run(int instances, int conversations, long seed, PrintStream out) throws Exception {
    if (instances < 2) {
      throw new IllegalArgumentException("instances must be 2 or more (one of them is killed), was " + instances);
    }
    if (conversations < 2) {
      throw new IllegalArgumentException("conversations must be 2 or more, was " + conversations);
    }
    Path logs = Files.createTempDirectory("toolguard-scale-out");
    out.println("scale-out: seed " + seed + ", instance logs in " + logs);
    List<Instance> started = new ArrayList<>();
    Figures figures;
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("max_connections", String.valueOf(20 + 12 * instances)).start();
        ProviderReferee referee = ProviderReferee.start()) {
      DataSource db = dataSource(pg.getPort());
      createTables(db);
      referee.script().respondWith(ScaleOut::model);
      String key = "base64:" + Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(32));
      for (int i = 0; i < instances; i++) {
        started.add(Instance.start(i, pg.getPort(), referee.openAiBaseUrl(), key, logs));
      }
      long t0 = System.nanoTime();
      for (Instance instance : started) {
        instance.awaitReady(t0 + START_TIMEOUT.toNanos());
      }
      out.println("scale-out: " + instances + " instances ready in "
          + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0) + " s");
      Driver driver = new Driver(started, db, new Random(seed), out);
      driver.drive(conversations);
      figures = driver.check(referee.rejections().size());
      out.println("scale-out: first clicks " + driver.firstClicks + ", stale clicks " + driver.staleClicks
          + ", repeats " + driver.repeats.get() + ", killed instance " + driver.killed + ", referee requests "
          + referee.requests().size() + " (refused " + figures.refereeRejections() + "), stale approvals accepted "
          + figures.staleAccepted() + ", failed steps " + figures.failedSteps());
    } finally {
      for (Instance instance : started) {
        instance.kill();
      }
    }
    // last, after the database and the referee have stopped (and said so)
    out.println(figures.line());
    return figures;
  }

  /** The embedded PostgreSQL logs every line of its server at INFO; on the command line only its warnings. */
  private static void quietDatabaseLog() {
    if (org.slf4j.LoggerFactory.getLogger("io.zonky") instanceof ch.qos.logback.classic.Logger zonky) {
      zonky.setLevel(ch.qos.logback.classic.Level.WARN);
    }
  }

  /** The model: a user message naming an invoice gets a pay call with id call_0; a tool result gets a text quoting it. */
  static Reply model(RecordedRequest request) {
    if (request.endsWithToolResult()) {
      return Reply.text("Done: " + request.lastToolResult());
    }
    String user = request.lastUserText() == null ? "" : request.lastUserText();
    Matcher invoice = INVOICE.matcher(user);
    Matcher amount = AMOUNT.matcher(user);
    if (invoice.find() && amount.find()) {
      return Reply.toolCalls(Reply.call("pay", "{\"invoice\":\"" + invoice.group() + "\",\"amount\":"
          + amount.group(1) + "}").withId(CALL_ID));
    }
    return Reply.text("Which invoice shall I pay?");
  }

  private static DataSource dataSource(int port) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {"127.0.0.1"});
    ds.setPortNumbers(new int[] {port});
    ds.setDatabaseName("postgres");
    ds.setUser("postgres");
    return ds;
  }

  /** The app's payments table and toolguard's tables, before any instance starts (they then run no DDL). */
  private static void createTables(DataSource db) {
    new ResourceDatabasePopulator(new ClassPathResource("schema.sql"),
        new ClassPathResource("db/migration/toolguard/postgresql/V1__toolguard_call_journal.sql"),
        new ClassPathResource("db/migration/toolguard/postgresql/V2__toolguard_conversation.sql")).execute(db);
  }

  private static void killAll() {
    for (Process p : STARTED) {
      p.destroyForcibly();
    }
  }

  /** One app JVM. */
  static final class Instance {
    final int index;
    final int port;
    final Process process;
    final Path log;
    volatile boolean alive = true;

    private Instance(int index, int port, Process process, Path log) {
      this.index = index;
      this.port = port;
      this.process = process;
      this.log = log;
    }

    static Instance start(int index, int pgPort, String modelBaseUrl, String signingKey, Path logs)
        throws IOException {
      int port = freePort();
      List<String> command = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          // short-lived JVMs on a shared machine: the quick compiler and the small collector
          "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
          "-cp", System.getProperty("java.class.path"),
          ApprovalApp.class.getName(),
          "--server.address=127.0.0.1",
          "--server.port=" + port,
          "--spring.datasource.url=jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres",
          "--spring.datasource.username=postgres",
          "--spring.sql.init.mode=never",
          "--spring.ai.openai.base-url=" + modelBaseUrl,
          "--spring.ai.openai.api-key=test",
          "--spring.ai.openai.max-retries=0",
          "--spring.main.banner-mode=off",
          "--toolguard.jdbc-create-tables=false",
          "--toolguard.call-timeout=" + CALL_TIMEOUT.toMillis() + "ms",
          "--toolguard.claim-lease=" + CLAIM_LEASE.toMillis() + "ms",
          "--toolguard.claim-wait=" + CLAIM_WAIT.toMillis() + "ms",
          "--app.instance=i" + index,
          "--app.payments.hang-prefix=" + HANG_PREFIX));
      Path log = logs.resolve("instance-" + index + ".log");
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(log.toFile());
      // the signing key travels in the environment, never on the command line that others can read
      builder.environment().put("APP_APPROVAL_KEY", signingKey);
      Process process = builder.start();
      STARTED.add(process);
      return new Instance(index, port, process, log);
    }

    String url(String path) {
      return "http://127.0.0.1:" + port + path;
    }

    /** Polls until the instance answers, it exits, or the deadline passes. */
    void awaitReady(long deadlineNanos) throws InterruptedException {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      while (System.nanoTime() < deadlineNanos) {
        if (!process.isAlive()) {
          throw new IllegalStateException("instance " + index + " exited with " + process.exitValue() + " before it"
              + " was ready; its output: " + log + "\n" + tail());
        }
        try {
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url("/approvals?conversationId=probe")))
              .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200) {
            return;
          }
        } catch (IOException e) {
          // not listening yet
        }
        Thread.sleep(250);
      }
      throw new IllegalStateException("instance " + index + " was not ready within " + START_TIMEOUT + "; its output: "
          + log + "\n" + tail());
    }

    void kill() throws InterruptedException {
      alive = false;
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
      STARTED.remove(process);
    }

    private String tail() {
      try {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
      } catch (IOException | UncheckedIOException e) {
        return "(cannot read " + log + ": " + e.getMessage() + ")";
      }
    }

    private static int freePort() throws IOException {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        return socket.getLocalPort();
      }
    }
  }

  /** An HTTP answer: a status (0 when the request failed) and the body. */
  record Answer(int status, String body) {
    @Nullable String chatStatus() {
      if (status != 200) {
        return null;
      }
      JsonNode status = JSON.readTree(body).get("status");
      return status == null ? null : status.asString();
    }
  }

  /** Drives the conversations and checks the database. */
  static final class Driver {
    private final List<Instance> instances;
    private final DataSource db;
    private final Random random;
    private final PrintStream out;
    private final HttpClient http;
    private final List<String> conversationIds = new ArrayList<>();
    private final List<String> invoices = new ArrayList<>();
    private final Map<String, Integer> firstClicks = new ConcurrentHashMap<>();
    private final Map<String, Integer> staleClicks = new ConcurrentHashMap<>();
    private final AtomicInteger repeats = new AtomicInteger();
    private final AtomicInteger staleAccepted = new AtomicInteger();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private volatile String killed = "none";

    Driver(List<Instance> instances, DataSource db, Random random, PrintStream out) {
      this.instances = instances;
      this.db = db;
      this.random = random;
      this.out = out;
      this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
          .executor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "scale-out-http");
            t.setDaemon(true);
            return t;
          })).build();
    }

    void drive(int conversations) throws Exception {
      // a run tag, so that runs on one database never share a conversation or an invoice
      int run = 100 + random.nextInt(900);
      for (int i = 0; i < conversations; i++) {
        conversationIds.add("scale-" + run + "-" + i);
        invoices.add(String.format(java.util.Locale.ROOT, "%s%d%06d", i == 0 ? HANG_PREFIX : "INV-", run, i));
      }
      int threads = Math.min(16, 4 * instances.size());
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        long t0 = System.nanoTime();
        List<Future<?>> starts = new ArrayList<>();
        for (int i = 0; i < conversations; i++) {
          int c = i;
          int amount = 1 + random.nextInt(99);
          Instance on = instances.get(random.nextInt(instances.size()));
          starts.add(pool.submit(() -> start(c, amount, on)));
        }
        await(starts, "starting the conversations");
        out.println("scale-out: " + conversations + " conversations waiting for approval after "
            + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0) + " s");

        t0 = System.nanoTime();
        Instance victim = instances.get(random.nextInt(instances.size()));
        Future<?> hang = pool.submit(() -> hangAndKill(0, victim));
        List<Future<?>> approvals = new ArrayList<>();
        for (int i = 1; i < conversations; i++) {
          int c = i;
          boolean stale = i % 4 == 0;
          approvals.add(pool.submit(() -> approve(c, stale)));
        }
        await(approvals, "the approvals");
        await(List.of(hang), "the killed instance's approval");
        out.println("scale-out: approvals settled after " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)
            + " s");
      } finally {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
      }
      if (!failures.isEmpty()) {
        out.println("scale-out: " + failures.size() + " steps failed, first: " + failures.get(0));
      }
    }

    private void start(int c, int amount, Instance first) {
      String body = "{\"conversationId\":\"" + conversationIds.get(c) + "\",\"message\":\"Pay invoice "
          + invoices.get(c) + " (" + amount + " EUR).\"}";
      Answer a = post(first, "/chat", body);
      if (a.status() == 0) {
        // the instance did not answer: the user sends it again, through the balancer, elsewhere
        a = post(live(), "/chat", body);
      }
      if (!"AWAITING".equals(a.chatStatus()) || !a.body().contains(CALL_ID)) {
        failures.add("conversation " + c + " did not wait for approval: HTTP " + a.status());
      }
    }

    /** Two clicks at once on two instances, repeats while the call still waits, maybe a stale third click. */
    private void approve(int c, boolean stale) {
      Instance one = live();
      Instance two = live();
      for (int tries = 0; tries < 5 && two == one && liveCount() > 1; tries++) {
        two = live();
      }
      CompletableFuture<Answer> first = postAsync(one, "/approvals/" + CALL_ID, approval(c));
      CompletableFuture<Answer> second = postAsync(two, "/approvals/" + CALL_ID, approval(c));
      firstClicks.merge(label(first.join().status()), 1, Integer::sum);
      firstClicks.merge(label(second.join().status()), 1, Integer::sum);
      settle(c);
      if (stale) {
        Answer third = post(live(), "/approvals/" + CALL_ID, approval(c));
        staleClicks.merge(label(third.status()), 1, Integer::sum);
        if (third.status() == 200) {
          staleAccepted.incrementAndGet();
        }
      }
    }

    /** Repeats the approval on live instances while the conversation still holds the waiting call. */
    private void settle(int c) {
      long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        Answer waiting = get(live(), "/approvals?conversationId=" + conversationIds.get(c));
        if (waiting.status() == 200 && !waiting.body().contains(CALL_ID)) {
          return;
        }
        if (waiting.status() == 200) {
          repeats.incrementAndGet();
          Answer again = post(live(), "/approvals/" + CALL_ID, approval(c));
          if (again.status() == 200) {
            return;
          }
        }
        pause();
      }
      failures.add("conversation " + c + " still waits after " + SETTLE_TIMEOUT);
    }

    /** Approves the hanging payment on {@code victim}, kills it once the payment is recorded, repeats elsewhere. */
    private void hangAndKill(int c, Instance victim) {
      CompletableFuture<Answer> doomed = postAsync(victim, "/approvals/" + CALL_ID, approval(c));
      JdbcClient jdbc = JdbcClient.create(db);
      long deadline = System.nanoTime() + HTTP_TIMEOUT.toNanos();
      boolean paid = false;
      while (!paid && System.nanoTime() < deadline) {
        paid = jdbc.sql("SELECT COUNT(*) FROM payments WHERE invoice = ?").param(invoices.get(c))
            .query(Integer.class).single() > 0;
        if (!paid) {
          sleep(Duration.ofMillis(50));
        }
      }
      if (!paid) {
        failures.add("the hanging payment was not recorded within " + HTTP_TIMEOUT + " (HTTP "
            + doomed.join().status() + ")");
        return;
      }
      try {
        victim.kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      killed = "i" + victim.index + " (" + label(doomed.join().status()) + ")";
      // the user approves again, on a live instance; until the dead run's lease ends that is a 409
      long until = System.nanoTime() + CLAIM_LEASE.toNanos() + SETTLE_TIMEOUT.toNanos();
      while (System.nanoTime() < until) {
        Answer again = post(live(), "/approvals/" + CALL_ID, approval(c));
        if (again.status() == 200) {
          if (!again.body().contains("may or may not have run")) {
            failures.add("the killed instance's payment came back as something other than outcome unknown");
          }
          return;
        }
        if (again.status() != 409 && again.status() != 0) {
          failures.add("the killed instance's payment, approved again: HTTP " + again.status());
          return;
        }
        repeats.incrementAndGet();
        pause();
      }
      failures.add("the killed instance's payment was not settled within " + CLAIM_LEASE.plus(SETTLE_TIMEOUT));
    }

    /** Checks every conversation and the payments in the database. */
    Figures check(int refereeRejections) {
      ConversationStore store = JdbcConversationStore.of(db, HistoryJson.codec());
      HistoryGuard guard = HistoryGuard.ofDefaults();
      int ran = 0;
      int unknown = 0;
      int cross = 0;
      int invalid = 0;
      int lost = 0;
      for (int c = 0; c < conversationIds.size(); c++) {
        List<Message> history = store.load(conversationIds.get(c)).messages();
        if (!guard.check(history).isEmpty()) {
          invalid++;
        }
        String own = invoices.get(c);
        boolean said = false;
        for (Message m : history) {
          if (m.role() == Role.USER && m.text().contains("Pay invoice " + own + " (")) {
            said = true;
          }
        }
        if (!said) {
          lost++;
        }
        Set<String> named = new HashSet<>();
        Matcher m = INVOICE.matcher(HistoryJson.write(history));
        while (m.find()) {
          named.add(m.group());
        }
        named.remove(own);
        if (!named.isEmpty()) {
          cross++;
        }
        boolean paid = false;
        boolean outcomeUnknown = false;
        for (Message message : history) {
          for (ToolResult r : message.toolResults()) {
            paid |= PAID.matcher(r.output()).lookingAt() && r.output().contains(own);
            outcomeUnknown |= r.output().equals(UNKNOWN_RESULT);
          }
        }
        if (paid) {
          ran++;
        } else if (outcomeUnknown) {
          unknown++;
        }
      }
      Map<String, Integer> rows = new LinkedHashMap<>();
      JdbcClient.create(db).sql("SELECT invoice, COUNT(*) FROM payments GROUP BY invoice")
          .query((rs, row) -> rows.put(rs.getString(1), rs.getInt(2))).list();
      int doubleRuns = (int) rows.values().stream().filter(n -> n > 1).count();
      return new Figures(instances.size(), conversationIds.size(), conversationIds.size(), ran, unknown, doubleRuns,
          cross, invalid, lost, refereeRejections, staleAccepted.get(), failures.size());
    }

    private String approval(int c) {
      return "{\"conversationId\":\"" + conversationIds.get(c) + "\",\"approved\":true}";
    }

    private Instance live() {
      List<Instance> up = instances.stream().filter(i -> i.alive).toList();
      if (up.isEmpty()) {
        throw new IllegalStateException("no instance is alive");
      }
      return up.get(ThreadLocalRandom.current().nextInt(up.size()));
    }

    private long liveCount() {
      return instances.stream().filter(i -> i.alive).count();
    }

    private Answer post(Instance on, String path, String json) {
      return postAsync(on, path, json).join();
    }

    private CompletableFuture<Answer> postAsync(Instance on, String path, String json) {
      HttpRequest request = HttpRequest.newBuilder(URI.create(on.url(path))).timeout(HTTP_TIMEOUT)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build();
      return send(request);
    }

    private Answer get(Instance on, String path) {
      return send(HttpRequest.newBuilder(URI.create(on.url(path))).timeout(HTTP_TIMEOUT).GET().build()).join();
    }

    private CompletableFuture<Answer> send(HttpRequest request) {
      return http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
          .thenApply(r -> new Answer(r.statusCode(), r.body()))
          .exceptionally(e -> new Answer(0, String.valueOf(e.getMessage())));
    }

    private static String label(int status) {
      return status == 0 ? "no-answer" : String.valueOf(status);
    }

    private static void pause() {
      sleep(PAUSE);
    }

    private static void sleep(Duration d) {
      try {
        Thread.sleep(d.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }

    private static void await(List<Future<?>> futures, String what) throws Exception {
      long deadline = System.nanoTime() + SETTLE_TIMEOUT.plus(CLAIM_LEASE).plus(HTTP_TIMEOUT).toNanos();
      for (Future<?> f : futures) {
        try {
          f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
          throw new IllegalStateException(what + " did not end in time", e);
        }
      }
    }
  }
}
