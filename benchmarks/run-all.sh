#!/usr/bin/env bash
# Runs every benchmark of what users pay on the real path (issue 21) and prints the summary table.
#
#   benchmarks/run-all.sh                 # build, then the full run (about an hour on 2 cores)
#   benchmarks/run-all.sh --no-build      # the jars are built already
#   QUICK=1 benchmarks/run-all.sh         # short settings: proves it works, figures not to be trusted
#   FORKS=3 benchmarks/run-all.sh         # more forks (default 2)
#   RESULTS=dir benchmarks/run-all.sh     # where the JMH result files go (default benchmarks/results)
#   JAVA=/path/to/java JAVA_OPTS=... benchmarks/run-all.sh   # another JVM, options for the JMH runs
#   HEAP="50 0 4000" benchmarks/run-all.sh  # the CliHeap cases (MB, then violations); HEAP=none skips it
#
# Each benchmark runs against its baseline in the same JVM and run; the summary prints ratios. Run it on
# a quiet machine: the figures are only as good as the machine is idle (check `uptime` first).
set -euo pipefail
cd "$(dirname "$0")/.."

RESULTS=${RESULTS:-benchmarks/results}
FORKS=${FORKS:-2}
JAVA=${JAVA:-java}
read -r -a JAVA_OPTS <<< "${JAVA_OPTS:-}"   # e.g. JAVA_OPTS=-Djmh.ignoreLock=true
mkdir -p "$RESULTS"

if [[ "${1:-}" != "--no-build" ]]; then
  ./mvnw -B -q -DskipTests -pl benchmarks,benchmarks-langchain4j,benchmarks-openai-java,benchmarks-spring-ai -am package
fi

if [[ -n "${QUICK:-}" ]]; then
  # one short iteration each: enough to see that every benchmark runs
  JMH_FLAGS=(-f 1 -wi 1 -w 1s -i 2 -r 1s)
  CLI_FLAGS=(-f 1 -wi 1 -i 2)
  PAIRED_FLAGS=(-Dpaired.warmupSeconds=1 -Dpaired.rounds=6 -Dpaired.roundMillis=50)
  HEAP_CASES=(50 0 4000)
else
  JMH_FLAGS=(-f "$FORKS")
  CLI_FLAGS=(-f "$FORKS")
  PAIRED_FLAGS=()
  HEAP_CASES=(50 0 400 4000)
fi

echo "machine: $(nproc) cores, $(uname -srm), $($JAVA -version 2>&1 | head -1); load: $(cut -d' ' -f1-3 /proc/loadavg)" \
  | tee "$RESULTS/machine.txt"

jmh() { # name jar [flags...]
  local name=$1 jar=$2
  shift 2
  echo "== $name"
  "$JAVA" "${JAVA_OPTS[@]}" -jar "$jar" "$@" -rf json -rff "$RESULTS/$name.json" > "$RESULTS/$name.log" 2>&1 \
    || { echo "$name failed: see $RESULTS/$name.log"; tail -20 "$RESULTS/$name.log"; exit 1; }
}

paired() { # name jar main: the guarded ways against bare in one JVM, alternating rounds (Paired)
  local name=$1 jar=$2 main=$3
  echo "== $name-paired"
  "$JAVA" "${JAVA_OPTS[@]}" "${PAIRED_FLAGS[@]}" -Dsun.net.httpserver.nodelay=true -cp "$jar" "$main" \
    "$RESULTS/$name-paired.json" > "$RESULTS/$name-paired.log" 2>&1 \
    || { echo "$name-paired failed: see $RESULTS/$name-paired.log"; tail -20 "$RESULTS/$name-paired.log"; exit 1; }
}

# 1, 2, 5: guarded against bare per framework, tools in parallel, first token (JMH, then paired)
jmh langchain4j benchmarks-langchain4j/target/benchmarks-langchain4j.jar "${JMH_FLAGS[@]}"
paired langchain4j benchmarks-langchain4j/target/benchmarks-langchain4j.jar dev.toolguard.benchmarks.langchain4j.PairedRuns
jmh openai-java benchmarks-openai-java/target/benchmarks-openai-java.jar "${JMH_FLAGS[@]}"
paired openai-java benchmarks-openai-java/target/benchmarks-openai-java.jar dev.toolguard.benchmarks.openai.PairedRuns
jmh spring-ai benchmarks-spring-ai/target/benchmarks-spring-ai.jar "${JMH_FLAGS[@]}"
paired spring-ai benchmarks-spring-ai/target/benchmarks-spring-ai.jar dev.toolguard.benchmarks.springai.PairedRuns
# 3: the journal, with 1, 2 and 4 instances on one database
for t in 1 2 4; do
  jmh "journal-t$t" benchmarks/target/benchmarks.jar JournalBenchmark -t "$t" "${JMH_FLAGS[@]}"
done
# 4: the command line at 50 MB, time and allocation; then the heap each needs
jmh cli benchmarks/target/benchmarks.jar CliBenchmark -prof gc "${CLI_FLAGS[@]}"
if [[ -n "${HEAP:-}" ]]; then
  read -r -a HEAP_CASES <<< "$HEAP"
fi
if [[ "${HEAP_CASES[0]}" != "none" ]]; then
  echo "== cli-heap"
  "$JAVA" -cp benchmarks/target/benchmarks.jar dev.toolguard.benchmarks.CliHeap "${HEAP_CASES[@]}" \
    > "$RESULTS/cli-heap.txt"
fi

echo "machine after: load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$RESULTS/machine.txt"
echo
"$JAVA" -cp benchmarks/target/benchmarks.jar dev.toolguard.benchmarks.Summary "$RESULTS" | tee "$RESULTS/summary.txt"
