package dev.toolguard.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.testkit.properties.PropertyBudget;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.PropagationMode;

/**
 * {@link IdMap}, the open-addressing map behind check's and repair's id indexes, against
 * {@link HashMap} over random sequences of operations: ids from a small alphabet (so that they
 * repeat), enough of them to make the table grow several times, any initial size.
 */
@AddLifecycleHook(value = PropertyBudget.class, propagateTo = PropagationMode.ALL_DESCENDANTS)
class IdMapProperties {

  /** One operation: 0 get, 1 putIfAbsent, 2 put, 3 add (on a set); with the id and the value. */
  record Op(int kind, String id, int value) {}

  @Provide
  Arbitrary<List<Op>> mapOps() {
    Arbitrary<String> ids = Arbitraries.oneOf(
        Arbitraries.strings().withChars("ab_1").ofMinLength(0).ofMaxLength(4),
        Arbitraries.integers().between(0, 300).map(n -> "call_" + n));
    return Combinators.combine(Arbitraries.integers().between(0, 2), ids, Arbitraries.integers().between(0, 9))
        .as(Op::new).list().ofMaxSize(400);
  }

  @Property(tries = 300)
  void behavesAsAHashMap(@ForAll("mapOps") List<Op> ops, @ForAll @IntRange(min = 0, max = 200) int expected) {
    IdMap<Integer> map = new IdMap<>(expected);
    Map<String, Integer> model = new HashMap<>();
    for (Op op : ops) {
      switch (op.kind()) {
        case 0 -> assertThat(map.get(op.id())).as("get %s", op.id()).isEqualTo(model.get(op.id()));
        case 1 -> assertThat(map.putIfAbsent(op.id(), op.value())).as("putIfAbsent %s", op.id())
            .isEqualTo(model.putIfAbsent(op.id(), op.value()));
        default -> assertThat(map.put(op.id(), op.value())).as("put %s", op.id())
            .isEqualTo(model.put(op.id(), op.value()));
      }
      assertThat(map.size()).isEqualTo(model.size());
    }
    for (Map.Entry<String, Integer> e : model.entrySet()) {
      assertThat(map.get(e.getKey())).isEqualTo(e.getValue());
      assertThat(map.containsKey(e.getKey())).isTrue();
    }
    assertThat(map.containsKey("not an id of the alphabet")).isFalse();
  }

  @Property(tries = 300)
  void aSetBehavesAsAHashSet(@ForAll("mapOps") List<Op> ops, @ForAll @IntRange(min = 0, max = 200) int expected) {
    IdMap<Boolean> set = IdMap.set(expected);
    Set<String> model = new HashSet<>();
    for (Op op : ops) {
      switch (op.kind()) {
        case 0 -> assertThat(set.contains(op.id())).as("contains %s", op.id()).isEqualTo(model.contains(op.id()));
        case 1 -> assertThat(set.add(op.id())).as("add %s", op.id()).isEqualTo(model.add(op.id()));
        default -> assertThat(set.put(op.id(), Boolean.TRUE)).as("put %s", op.id())
            .isEqualTo(model.add(op.id()) ? null : Boolean.TRUE);
      }
      assertThat(set.size()).isEqualTo(model.size());
    }
    for (String id : model) {
      assertThat(set.contains(id)).isTrue();
      assertThat(set.get(id)).isEqualTo(Boolean.TRUE);
    }
  }
}
