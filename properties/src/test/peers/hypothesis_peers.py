"""Hypothesis side of the engine comparison in spec/engine.md (run outside mvn verify).

    /usr/bin/python3 hypothesis_peers.py [seeds]

Debian's python3-hypothesis. Per problem and seed: found or not, shrunk length (steps) against the
hand-minimal one, seconds to find and shrink; and the trivial model's raw steps a second. The
problems are the same as PeerComparison.java and fastcheck_peers.js.
"""
import json
import random
import sys
import time

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, multiple, precondition, rule
import hypothesis.strategies as st

CAPACITY = 4


class Trivial(RuleBasedStateMachine):
    steps = 0

    def __init__(self):
        super().__init__()
        self.n = 0

    @rule()
    def inc(self):
        self.n += 1
        Trivial.steps += 1


class Ring(RuleBasedStateMachine):
    """Ring buffer of 4 slots whose size is (head - tail) mod 4: full reads as empty."""

    def __init__(self):
        super().__init__()
        self.slots = [None] * CAPACITY
        self.head = 0
        self.tail = 0
        self.model = []
        self.trace = []

    @precondition(lambda self: len(self.model) < CAPACITY)
    @rule(v=st.integers(0, 9))
    def put(self, v):
        self.trace.append("put")
        self.slots[self.head % CAPACITY] = v
        self.head += 1
        self.model.append(v)

    @precondition(lambda self: len(self.model) > 0)
    @rule()
    def get(self):
        self.trace.append("get")
        size = (self.head - self.tail) % CAPACITY
        got = None if size == 0 else self.slots[self.tail % CAPACITY]
        if size != 0:
            self.tail += 1
        expected = self.model.pop(0)
        assert got == expected, "get returned %r, expected %r" % (got, expected)


class Heap(RuleBasedStateMachine):
    """Double free reachable only after three allocations."""
    handles = Bundle("handles")

    def __init__(self):
        super().__init__()
        self.free_list = []
        self.live = set()
        self.handed_out = 0
        self.trace = []

    @rule(target=handles)
    def alloc(self):
        self.trace.append("alloc")
        h = self.handed_out
        self.handed_out += 1
        self.live.add(h)
        return h

    @rule(h=handles)
    def free(self, h):
        self.trace.append("free")
        if h not in self.live and self.handed_out < 3:
            return
        self.live.discard(h)
        self.free_list.append(h)
        assert len(set(self.free_list)) == len(self.free_list), "double free"


class Buddy(RuleBasedStateMachine):
    """Toy buddy allocator of 8 pages that forgets the merge when an order-0 upper buddy is freed."""
    blocks = Bundle("blocks")

    def __init__(self):
        super().__init__()
        self.free = {(0, 3)}
        self.trace = []

    @rule(target=blocks, order=st.integers(0, 3))
    def alloc(self, order):
        self.trace.append("alloc")
        fits = sorted(b for b in self.free if b[1] >= order)
        if not fits:
            return multiple()
        addr, o = min(fits, key=lambda b: (b[1], b[0]))
        self.free.remove((addr, o))
        while o > order:
            o -= 1
            self.free.add((addr + (1 << o), o))
        return (addr, order)

    @rule(block=consumes(blocks))
    def release(self, block):
        self.trace.append("free")
        addr, order = block
        while order < 3:
            buddy = addr ^ (1 << order)
            if (buddy, order) not in self.free or (order == 0 and addr > buddy):
                break
            self.free.remove((buddy, order))
            addr, order = min(addr, buddy), order + 1
        self.free.add((addr, order))
        for a, o in self.free:
            assert o == 3 or (a ^ (1 << o), o) not in self.free, "two free buddies not merged"


class Asid(RuleBasedStateMachine):
    """Toy ASID allocator (3 ASIDs a generation, 5 address spaces, one CPU) whose second rollover
    forgets to reserve the running address space's ASID, so it is handed out again."""

    def __init__(self):
        super().__init__()
        self.gen, self.used, self.ctx, self.active, self.reserved = 1, set(), {}, None, None
        self.trace = []

    @rule(mm=st.integers(0, 4))
    def switch(self, mm):
        self.trace.append("switch")
        if self.ctx.get(mm, (0, 0))[0] != self.gen:
            if mm == self.reserved and mm in self.ctx:
                self.ctx[mm] = (self.gen, self.ctx[mm][1])
                self.used.add(self.ctx[mm][1])
            else:
                free = [a for a in (1, 2, 3) if a not in self.used]
                if not free:
                    self.gen += 1
                    self.used = set()
                    self.reserved = self.active
                    if self.active is not None and self.gen < 3:
                        self.used.add(self.ctx[self.active][1])
                    free = [a for a in (1, 2, 3) if a not in self.used]
                self.ctx[mm] = (self.gen, free[0])
                self.used.add(free[0])
        self.active = mm
        live = [m for m, (g, a) in self.ctx.items() if g == self.gen or m == self.active]
        asids = [self.ctx[m][1] for m in live]
        assert len(set(asids)) == len(asids), "two address spaces share an ASID"


PROBLEMS = {"toy ASID reusing an id after two rollovers": (Asid, 8), "toy buddy forgetting a merge": (Buddy, 4), "ring buffer after wrap-around": (Ring, 5), "double free after three allocations": (Heap, 5)}


def run_problem(machine, s):
    last = {}
    orig_init = machine.__init__

    def init(self):
        orig_init(self)
        last["m"] = self
    machine.__init__ = init
    test = machine.TestCase
    test.settings = settings(max_examples=1000, stateful_step_count=40, deadline=None, database=None,
                             suppress_health_check=list(HealthCheck), print_blob=False)
    t0 = time.perf_counter()
    c0 = time.process_time()
    found = False
    try:
        random.seed(s)  # Hypothesis draws an unseeded run's seed from the global random module
        test("runTest").runTest()
    except AssertionError:
        found = True
    except Exception as e:
        print("unexpected", type(e), e, file=sys.stderr)
        found = True
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0
    machine.__init__ = orig_init
    # the last machine run is the final replay of the shrunk example
    return found, len(last["m"].trace) if found else None, elapsed, cpu


# shrinking challenge: coupling (minimum [1, 0]) and binheap (minimum: a heap of four values)
def coupling_holds(l):
    return all(l[i] == i or l[l[i]] != i for i in range(len(l)))


COUPLING = st.lists(st.integers(0, 10)).filter(lambda l: all(v < len(l) for v in l))


def heaps(min_key, size):
    """None or (head, left, right), keys at least the parent's; a size bound halved per level."""
    if size <= 0:
        return st.none()
    return st.integers(1, 8).flatmap(lambda b: st.none() if b == 1 else st.integers(min_key, 2**31 - 1).flatmap(
        lambda h: st.tuples(st.just(h), heaps(h, size // 2), heaps(h, size // 2))))


HEAPS = st.integers(0, 20).flatmap(lambda n: heaps(0, n))


def heap_merge(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return (a[0], heap_merge(a[2], b), a[1]) if a[0] <= b[0] else (b[0], heap_merge(b[2], a), b[1])


def heap_values(h):
    """The challenge's toList: a stack, so the head, the right subtree, then the left."""
    return [] if h is None else [h[0]] + heap_values(h[2]) + heap_values(h[1])


def heap_size(h):
    return 0 if h is None else 1 + heap_size(h[1]) + heap_size(h[2])


def binheap_holds(h):
    wrong = [] if h is None else [h[0]] + heap_values(heap_merge(h[1], h[2]))
    return wrong == sorted(heap_values(h))


CHALLENGES = {"coupling": (COUPLING, coupling_holds, lambda l: l == [1, 0], len),
              "binheap": (HEAPS, binheap_holds, lambda h: heap_size(h) == 4, heap_size)}


def run_challenge(strategy, holds, s):
    last = {}

    @settings(max_examples=10000, deadline=None, database=None, suppress_health_check=list(HealthCheck),
              print_blob=False)
    @given(strategy)
    def test(v):
        if not holds(v):
            last["v"] = v  # the last failing call is the final replay of the shrunk example
            raise AssertionError("falsified")

    t0 = time.perf_counter()
    c0 = time.process_time()
    found = False
    try:
        random.seed(s)
        test()
    except AssertionError:
        found = True
    return found, last.get("v"), time.perf_counter() - t0, time.process_time() - c0


def trivial_rate():
    Trivial.steps = 0
    test = Trivial.TestCase
    test.settings = settings(max_examples=500, stateful_step_count=100, deadline=None, database=None,
                             suppress_health_check=list(HealthCheck), phases=[Phase.generate])
    t0 = time.perf_counter()
    test("runTest").runTest()
    return Trivial.steps / (time.perf_counter() - t0)


# seeds run before the measured ones of each problem, unmeasured (the same in all three programs);
# then the measured seeds run twice: the first pass is reported as mean*, the second as warmMean*
WARM_UP_SEEDS = (101, 102)


def main():
    seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    out = {"engine": "hypothesis", "trivialStepsPerSecond": round(trivial_rate())}
    for name, (machine, minimal) in PROBLEMS.items():
        for s in WARM_UP_SEEDS:  # unmeasured, as every engine warms up before its measured seeds
            run_problem(machine, s)
        rows = [run_problem(machine, s) for s in range(1, seeds + 1)]
        warm = [run_problem(machine, s) for s in range(1, seeds + 1)]  # the same seeds again, warm
        out[name] = {"found": sum(1 for r in rows if r[0]), "minimal": sum(1 for r in rows if r[1] == minimal),
                     "minimum": minimal, "lengths": [r[1] for r in rows],
                     "meanSeconds": round(sum(r[2] for r in rows) / len(rows), 3),
                     # CPU time of the process: wall-clock time on a loaded machine is mostly waiting
                     "meanCpuSeconds": round(sum(r[3] for r in rows) / len(rows), 3),
                     "warmMeanSeconds": round(sum(r[2] for r in warm) / len(warm), 3),
                     "warmMeanCpuSeconds": round(sum(r[3] for r in warm) / len(warm), 3)}
    for name, (strategy, holds, minimal, size) in CHALLENGES.items():
        for s in WARM_UP_SEEDS:
            run_challenge(strategy, holds, s)
        rows = [run_challenge(strategy, holds, s) for s in range(1, seeds + 1)]
        warm = [run_challenge(strategy, holds, s) for s in range(1, seeds + 1)]  # the same seeds again, warm
        out[name] = {"found": sum(1 for r in rows if r[0]), "minimal": sum(1 for r in rows if r[0] and minimal(r[1])),
                     "sizes": [size(r[1]) if r[0] else None for r in rows],
                     "values": [repr(r[1]) for r in rows if r[0] and not minimal(r[1])],
                     "meanSeconds": round(sum(r[2] for r in rows) / len(rows), 3),
                     # CPU time of the process: wall-clock time on a loaded machine is mostly waiting
                     "meanCpuSeconds": round(sum(r[3] for r in rows) / len(rows), 3),
                     "warmMeanSeconds": round(sum(r[2] for r in warm) / len(warm), 3),
                     "warmMeanCpuSeconds": round(sum(r[3] for r in warm) / len(warm), 3)}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
