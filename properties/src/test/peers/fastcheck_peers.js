// fast-check side of the engine comparison in spec/engine.md (run outside mvn verify):
//   npm install && node fastcheck_peers.js [seeds]
// Same problems as hypothesis_peers.py and PeerComparison.java: the trivial model's raw steps a
// second; per seeded-bug problem and seed: found, shrunk length against the minimum, time.
'use strict';
const fc = require('fast-check');

const CAPACITY = 4;

function trivialRate() {
  let steps = 0;
  class Inc {
    check() { return true; }
    run(m) { m.n++; steps++; }
    toString() { return 'inc'; }
  }
  const t0 = process.hrtime.bigint();
  fc.assert(fc.property(fc.commands([fc.constant(new Inc())], { size: '+1', maxCommands: 100 }), (cmds) => {
    fc.modelRun(() => ({ model: { n: 0 }, real: {} }), cmds);
  }), { numRuns: 500, seed: 1 });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  return steps / secs;
}

// ring buffer of 4 slots whose size is (head - tail) mod 4: a full buffer reads as empty
class Put {
  constructor(v) { this.v = v; }
  check(m) { return m.items.length < CAPACITY; }
  run(m, r) { r.slots[r.head % CAPACITY] = this.v; r.head++; m.items.push(this.v); }
  toString() { return `put ${this.v}`; }
}
class Get {
  check(m) { return m.items.length > 0; }
  run(m, r) {
    const size = ((r.head - r.tail) % CAPACITY + CAPACITY) % CAPACITY;
    const got = size === 0 ? null : r.slots[r.tail % CAPACITY];
    if (size !== 0) r.tail++;
    const expected = m.items.shift();
    if (got !== expected) throw new Error(`get returned ${got}, expected ${expected}`);
  }
  toString() { return 'get'; }
}
const ring = {
  minimum: 5,
  commands: [fc.integer({ min: 0, max: 9 }).map((v) => new Put(v)), fc.constant(new Get())],
  setup: () => ({ model: { items: [] }, real: { slots: new Array(CAPACITY), head: 0, tail: 0 } }),
};

// double free reachable only after three allocations; handles are picked among those allocated
class Alloc {
  check() { return true; }
  run(m, r) { const h = r.handedOut++; r.live.add(h); m.handles.push(h); }
  toString() { return 'alloc'; }
}
class Free {
  constructor(pick) { this.pick = pick; }
  check(m) { return m.handles.length > 0; }
  run(m, r) {
    const h = m.handles[this.pick % m.handles.length];
    if (!r.live.has(h) && r.handedOut < 3) return;
    r.live.delete(h);
    r.freeList.push(h);
    if (new Set(r.freeList).size !== r.freeList.length) throw new Error('double free');
  }
  toString() { return `free #${this.pick}`; }
}
const heap = {
  minimum: 5,
  commands: [fc.constant(new Alloc()), fc.nat(40).map((p) => new Free(p))],
  setup: () => ({ model: { handles: [] }, real: { handedOut: 0, live: new Set(), freeList: [] } }),
};

// toy buddy allocator of 8 pages that forgets the merge when an order-0 upper buddy is freed
class BAlloc {
  constructor(order) { this.order = order; }
  check() { return true; }
  run(m, r) {
    const fits = [...r.free].map((k) => k.split(':').map(Number)).filter(([, o]) => o >= this.order)
      .sort((x, y) => x[1] - y[1] || x[0] - y[0]);
    if (fits.length === 0) return;
    let [addr, o] = fits[0];
    r.free.delete(`${addr}:${o}`);
    while (o > this.order) { o--; r.free.add(`${addr + (1 << o)}:${o}`); }
    m.blocks.push([addr, this.order]);
  }
  toString() { return `alloc ${this.order}`; }
}
class BFree {
  constructor(pick) { this.pick = pick; }
  check(m) { return m.blocks.length > 0; }
  run(m, r) {
    let [addr, order] = m.blocks.splice(this.pick % m.blocks.length, 1)[0];
    while (order < 3) {
      const buddy = addr ^ (1 << order);
      if (!r.free.has(`${buddy}:${order}`) || (order === 0 && addr > buddy)) break;
      r.free.delete(`${buddy}:${order}`);
      addr = Math.min(addr, buddy); order++;
    }
    r.free.add(`${addr}:${order}`);
    for (const k of r.free) {
      const [a, o] = k.split(':').map(Number);
      if (o < 3 && r.free.has(`${a ^ (1 << o)}:${o}`)) throw new Error('two free buddies not merged');
    }
  }
  toString() { return `free #${this.pick}`; }
}
const buddy = {
  minimum: 4,
  commands: [fc.integer({ min: 0, max: 3 }).map((o) => new BAlloc(o)), fc.nat(40).map((p) => new BFree(p))],
  setup: () => ({ model: { blocks: [] }, real: { free: new Set(['0:3']) } }),
};

// toy ASID allocator (3 ASIDs a generation, 5 address spaces, one CPU) whose second rollover
// forgets to reserve the running address space's ASID
class Switch {
  constructor(mm) { this.mm = mm; }
  check() { return true; }
  run(m, r) {
    const mm = this.mm;
    const c = r.ctx.get(mm);
    if (!c || c[0] !== r.gen) {
      if (mm === r.reserved && c) {
        r.ctx.set(mm, [r.gen, c[1]]); r.used.add(c[1]);
      } else {
        let free = [1, 2, 3].filter((a) => !r.used.has(a));
        if (free.length === 0) {
          r.gen++; r.used = new Set(); r.reserved = r.active;
          if (r.active !== null && r.gen < 3) r.used.add(r.ctx.get(r.active)[1]);
          free = [1, 2, 3].filter((a) => !r.used.has(a));
        }
        r.ctx.set(mm, [r.gen, free[0]]); r.used.add(free[0]);
      }
    }
    r.active = mm;
    const asids = [...r.ctx.entries()].filter(([k, [g]]) => g === r.gen || k === r.active).map(([, [, a]]) => a);
    if (new Set(asids).size !== asids.length) throw new Error('two address spaces share an ASID');
  }
  toString() { return `switch ${this.mm}`; }
}
const asid = {
  minimum: 8,
  commands: [fc.integer({ min: 0, max: 4 }).map((mm) => new Switch(mm))],
  setup: () => ({ model: {}, real: { gen: 1, used: new Set(), ctx: new Map(), active: null, reserved: null } }),
};

// CPU time of the process in seconds: wall-clock time on a loaded machine is mostly waiting for a core
function cpuSeconds() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function runProblem(problem, seed) {
  const t0 = process.hrtime.bigint();
  const c0 = cpuSeconds();
  const out = fc.check(fc.property(fc.commands(problem.commands, { maxCommands: 40 }), (cmds) => {
    fc.modelRun(problem.setup, cmds);
  }), { numRuns: 1000, seed });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = cpuSeconds() - c0;
  if (!out.failed) return { found: false, length: null, secs, cpu };
  // the counterexample's commands, up to the one that threw
  const cmds = [...out.counterexample[0]];
  const executed = String(out.counterexample[0]).split(',').filter((s) => s.trim().length > 0);
  return { found: true, length: ranUntilFailure(problem, cmds), secs, cpu, printed: executed.length };
}

function ranUntilFailure(problem, cmds) {
  const { model, real } = problem.setup();
  let n = 0;
  for (const c of cmds) {
    if (!c.check(model)) continue;
    n++;
    try { c.run(model, real); } catch (e) { return n; }
  }
  return n;
}

// shrinking challenge: coupling (minimum [1, 0]) and binheap (minimum: a heap of four values)
function couplingHolds(l) {
  for (let i = 0; i < l.length; i++) {
    const j = l[i];
    if (j !== i && l[j] === i) return false;
  }
  return true;
}
const coupling = {
  arb: fc.array(fc.nat(10)).filter((l) => l.every((v) => v < l.length)),
  holds: couplingHolds,
  minimal: (l) => JSON.stringify(l) === '[1,0]',
  size: (l) => l.length,
};

// a heap is null or [head, left, right]; keys at least the parent's, a size bound halved per level
function heapArb(minKey, size) {
  if (size <= 0) return fc.constant(null);
  return fc.integer({ min: 1, max: 8 }).chain((b) => (b === 1 ? fc.constant(null)
    : fc.integer({ min: minKey, max: 0x7fffffff }).chain((h) => fc.tuple(fc.constant(h), heapArb(h, size >> 1), heapArb(h, size >> 1)))));
}
function heapMerge(a, b) {
  if (a === null) return b;
  if (b === null) return a;
  return a[0] <= b[0] ? [a[0], heapMerge(a[2], b), a[1]] : [b[0], heapMerge(b[2], a), b[1]];
}
// the challenge's toList: a stack, so the head, the right subtree, then the left
function heapValues(h) { return h === null ? [] : [h[0], ...heapValues(h[2]), ...heapValues(h[1])]; }
function heapSize(h) { return h === null ? 0 : 1 + heapSize(h[1]) + heapSize(h[2]); }
const binheap = {
  arb: fc.integer({ min: 0, max: 20 }).chain((n) => heapArb(0, n)),
  holds: (h) => {
    const wrong = h === null ? [] : [h[0], ...heapValues(heapMerge(h[1], h[2]))];
    const sorted = [...heapValues(h)].sort((x, y) => x - y);
    return JSON.stringify(wrong) === JSON.stringify(sorted);
  },
  minimal: (h) => heapSize(h) === 4,
  size: heapSize,
};

function runChallenge(c, seed) {
  const t0 = process.hrtime.bigint();
  const c0 = cpuSeconds();
  const out = fc.check(fc.property(c.arb, c.holds), { numRuns: 10000, seed });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = cpuSeconds() - c0;
  if (!out.failed) return { found: false, minimal: false, size: null, secs, cpu };
  const v = out.counterexample[0];
  return { found: true, minimal: c.minimal(v), size: c.size(v), secs, cpu, value: JSON.stringify(v) };
}

// seeds run before the measured ones of each problem, unmeasured (the same in all three programs);
// then the measured seeds run twice: the first pass is reported as mean*, the second as warmMean*
const WARM_UP_SEEDS = [101, 102];

function main() {
  const seeds = Number(process.argv[2] || 20);
  const out = { engine: 'fast-check ' + require('fast-check/package.json').version, trivialStepsPerSecond: Math.round(trivialRate()) };
  for (const [name, p] of [['toy ASID reusing an id after two rollovers', asid], ['toy buddy forgetting a merge', buddy], ['ring buffer after wrap-around', ring], ['double free after three allocations', heap]]) {
    for (const s of WARM_UP_SEEDS) runProblem(p, s); // unmeasured, as every engine warms up
    const rows = [];
    for (let s = 1; s <= seeds; s++) rows.push(runProblem(p, s));
    const warm = [];
    for (let s = 1; s <= seeds; s++) warm.push(runProblem(p, s)); // the same seeds again, warm
    out[name] = {
      found: rows.filter((r) => r.found).length,
      minimal: rows.filter((r) => r.length === p.minimum).length,
      minimum: p.minimum,
      lengths: rows.map((r) => r.length),
      meanSeconds: +(rows.reduce((a, r) => a + r.secs, 0) / rows.length).toFixed(3),
      meanCpuSeconds: +(rows.reduce((a, r) => a + r.cpu, 0) / rows.length).toFixed(3),
      warmMeanSeconds: +(warm.reduce((a, r) => a + r.secs, 0) / warm.length).toFixed(3),
      warmMeanCpuSeconds: +(warm.reduce((a, r) => a + r.cpu, 0) / warm.length).toFixed(3),
    };
  }
  for (const [name, c] of [['coupling', coupling], ['binheap', binheap]]) {
    for (const s of WARM_UP_SEEDS) runChallenge(c, s);
    const rows = [];
    for (let s = 1; s <= seeds; s++) rows.push(runChallenge(c, s));
    const warm = [];
    for (let s = 1; s <= seeds; s++) warm.push(runChallenge(c, s)); // the same seeds again, warm
    out[name] = {
      found: rows.filter((r) => r.found).length,
      minimal: rows.filter((r) => r.minimal).length,
      sizes: rows.map((r) => r.size),
      values: rows.filter((r) => !r.minimal).map((r) => r.value),
      meanSeconds: +(rows.reduce((a, r) => a + r.secs, 0) / rows.length).toFixed(3),
      meanCpuSeconds: +(rows.reduce((a, r) => a + r.cpu, 0) / rows.length).toFixed(3),
      warmMeanSeconds: +(warm.reduce((a, r) => a + r.secs, 0) / warm.length).toFixed(3),
      warmMeanCpuSeconds: +(warm.reduce((a, r) => a + r.cpu, 0) / warm.length).toFixed(3),
    };
  }
  console.log(JSON.stringify(out, null, 1));
}
main();
