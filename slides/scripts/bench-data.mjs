// bench-data.mjs - deck 05's numbers and claims, computed from one bench run
// when the deck is built, from the same results.csv as the plots beside them.
//
// A deck writes {{NAME}} where a fact of the run goes (marp.config.mjs fills
// it in before Marp reads the deck):
//
//   {{run}}          which run the slide shows: when, on what, how disturbed
//   {{CLAIM}}        a sentence from CLAIMS below, true of this run's data
//
// A claim is a template over the data, never a fixed sentence: "the pipe
// falls 4.3x from 64 KiB to 1 MiB" is written only when the pipe's numbers
// fall, and says "stays within 8 %" when they do not. A claim whose numbers
// the run lacks gives null, and the whole line that holds it is left out.
//
// Where the run comes from (the rule of images.mjs, so that the text and the
// plots always come from one run): build/bench/ when `make bench` has run,
// else the committed run in slides/img/bench/. IPCKIT_BENCH_DIR=DIR picks
// another (make test-slides builds the deck from the committed run and from
// a fresh one).
//
// usage (for tests): node bench-data.mjs [--dir DIR] --fill DECK.md
//   prints the deck with its placeholders filled in.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SLIDES_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const KIT_ROOT = path.dirname(SLIDES_DIR);
export const COMMITTED_DIR = path.join(SLIDES_DIR, 'img', 'bench');
export const FRESH_DIR = path.join(KIT_ROOT, 'build', 'bench');
const FAR_NS = 150; // a cache line round trip above this: the vCPUs are far apart (noise.h)

const KIB = 1024;
const MIB = 1024 * 1024;
const NAMES = {
  'shm-lockfree': 'the lock-free ring',
  'shm-lock': 'the lock-based ring',
  pipe: 'the pipe',
  unix: 'the UNIX socket',
  tcp: 'TCP',
};

export function benchDir() {
  if (process.env.IPCKIT_BENCH_DIR) return path.resolve(process.env.IPCKIT_BENCH_DIR);
  return fs.existsSync(path.join(FRESH_DIR, 'results.csv')) ? FRESH_DIR : COMMITTED_DIR;
}

// A run from the text of its results.csv: its medians and notes by
// "mechanism:size:metric", with info from run.json (when, what machine,
// which command).
export function parseRun(csvText, info = {}, committed = false) {
  const rows = new Map();
  for (const line of csvText.split('\n').slice(1)) {
    const f = line.split(',');
    if (f.length < 9) continue;
    rows.set(`${f[0]}:${f[1]}:${f[2]}`, { median: Number(f[3]), note: f.slice(8).join(',') });
  }
  return { rows, info, committed };
}

// The run in dir, with run.json when `make bench` wrote one.
export function loadRun(dir = benchDir()) {
  const infoPath = path.join(dir, 'run.json');
  const info = fs.existsSync(infoPath) ? JSON.parse(fs.readFileSync(infoPath, 'utf8')) : {};
  const run = parseRun(fs.readFileSync(path.join(dir, 'results.csv'), 'utf8'), info,
    path.resolve(dir) === path.resolve(COMMITTED_DIR));
  return { ...run, dir };
}

// ---- reading the run ----------------------------------------------------

const get = (run, mech, size, metric) => run.rows.get(`${mech}:${size}:${metric}`);
const median = (run, mech, size, metric) => get(run, mech, size, metric)?.median;
const disturbed = (run, mech, size, metric) => Boolean(get(run, mech, size, metric)?.note);

// Every size measured for a mechanism and metric, smallest first.
function sizesOf(run, mech, metric) {
  const sizes = [];
  for (const key of run.rows.keys()) {
    const [m, s, x] = key.split(':');
    if (m === mech && x === metric) sizes.push(Number(s));
  }
  return sizes.sort((a, b) => a - b);
}

const sizeText = (s) => (s >= MIB ? `${s / MIB} MiB` : s >= KIB ? `${s / KIB} KiB` : `${s} B`);
// 3257.2 -> "3,257", 0.0421 -> "0.04": whole numbers from 10 up, two digits below.
const num = (v, decimals = 0) =>
  v.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
const times = (v) => `${num(v, v >= 10 ? 0 : 1)}×`;
const list = (items) =>
  items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
// " (a disturbed row, !)" when any of the rows a claim rests on was disturbed.
const mark = (flag) => (flag ? ' (from a disturbed row, marked !)' : '');

export function runLabel(run) {
  const rows = [...run.rows.entries()].filter(
    ([k]) => k.endsWith(':throughput_MBps') && !k.startsWith('memcpy:'));
  const noisy = rows.filter(([, v]) => v.note).length;
  const line = median(run, 'cacheline', 64, 'rtt_ns');
  const where = line === undefined ? '' : line > FAR_NS ? ', far placement' : '';
  const when = run.info.date ?? 'date not recorded';
  // "Intel(R) Xeon(R) Processor, 2 cores, Linux 6.18.44-fc" -> "Intel Xeon, 2 cores, Linux 6.18"
  const machine = (run.info.machine ?? 'machine not recorded')
    .replace(/\((R|TM)\)/g, '').replace(/ (Processor|CPU)\b/g, '')
    .replace(/(Linux \d+\.\d+)[^,]*/, '$1');
  const whose = run.committed ? 'committed run' : 'fresh run';
  return `${whose}: ${when}, ${machine}${where}; ${noisy} of ${rows.length} rows disturbed`;
}

// ---- the claims -----------------------------------------------------------
// Each takes the run and returns Markdown, or null when the run lacks the
// numbers. Each says only what the numbers show.

export const CLAIMS = {
  // Small messages: the fixed cost per message, and the pipe's line rising.
  'throughput-small': (run) => {
    const a = median(run, 'pipe', 64, 'throughput_MBps');
    const b = median(run, 'pipe', 4 * KIB, 'throughput_MBps');
    if (a === undefined || b === undefined) return null;
    const head =
      'Small messages: every mechanism pays a **fixed cost per message**. For the ' +
      "kernel's mechanisms that is a system call on each side and a wake-up";
    const flag = mark(disturbed(run, 'pipe', 64, 'throughput_MBps') ||
      disturbed(run, 'pipe', 4 * KIB, 'throughput_MBps'));
    if (b > a * 1.5)
      return `${head}: while it dominates, bigger messages cost hardly more, and the pipe's ` +
        `line rises **${times(b / a)}** from 64 B to 4 KiB${flag}.`;
    return `${head}.`;
  },

  // Large messages: what each kernel mechanism's line really does.
  'throughput-large': (run) => {
    const moves = [];
    for (const mech of ['pipe', 'unix', 'tcp']) {
      const a = median(run, mech, 64 * KIB, 'throughput_MBps');
      const b = median(run, mech, MIB, 'throughput_MBps');
      if (a === undefined || b === undefined) continue;
      const noisy = disturbed(run, mech, 64 * KIB, 'throughput_MBps') ||
        disturbed(run, mech, MIB, 'throughput_MBps');
      const how = b < a / 1.25 ? `falls **${times(a / b)}**`
        : b > a * 1.25 ? `rises **${times(b / a)}**`
          : `stays within ${num(Math.abs(b / a - 1) * 100)} %`;
      moves.push(`${NAMES[mech]} ${how} (${num(a)} → ${num(b)} MB/s${noisy ? ', disturbed !' : ''})`);
    }
    if (moves.length === 0) return null;
    return `Large messages: the cost **per byte** takes over. From 64 KiB to 1 MiB ${list(moves)}.`;
  },

  // memcpy as the ceiling, said only when no mechanism passed it.
  'throughput-ceiling': (run) => {
    const sizes = sizesOf(run, 'memcpy', 'throughput_MBps');
    if (sizes.length === 0) return null;
    const above = [];
    for (const s of sizes)
      for (const mech of Object.keys(NAMES))
        if ((median(run, mech, s, 'throughput_MBps') ?? 0) > median(run, 'memcpy', s, 'throughput_MBps'))
          above.push(`${NAMES[mech]} at ${sizeText(s)}`);
    if (above.length === 0) return 'The dashed `memcpy` line is the ceiling for one copy.';
    return `The dashed \`memcpy\` line is one copy; ${list(above)} passed it (caches at work).`;
  },

  // The lock-free ring: where it leads, and how close to memcpy it gets.
  'ring-best': (run) => {
    const sizes = sizesOf(run, 'shm-lockfree', 'throughput_MBps');
    const c64 = median(run, 'memcpy', 64 * KIB, 'throughput_MBps');
    const c1m = median(run, 'memcpy', MIB, 'throughput_MBps');
    const r64 = median(run, 'shm-lockfree', 64 * KIB, 'throughput_MBps');
    const r1m = median(run, 'shm-lockfree', MIB, 'throughput_MBps');
    if (sizes.length === 0 || [c64, c1m, r64, r1m].includes(undefined)) return null;
    const lost = sizes.filter((s) =>
      ['shm-lock', 'pipe', 'unix', 'tcp'].some((m) =>
        (median(run, m, s, 'throughput_MBps') ?? 0) > median(run, 'shm-lockfree', s, 'throughput_MBps')));
    const where = lost.length === 0 ? 'the best at every size'
      : `the best at ${sizes.length - lost.length} of ${sizes.length} sizes (not at ${list(lost.map(sizeText))})`;
    return 'The lock-free ring copies into the ring and out of it, with no kernel in ' +
      `between: ${where}, and in this run **${num((100 * r64) / c64)} % of \`memcpy\`** at ` +
      `64 KiB, **${num((100 * r1m) / c1m)} %** at 1 MiB.`;
  },

  'rtt-floor': (run) => {
    const line = median(run, 'cacheline', 64, 'rtt_ns');
    if (line === undefined) return null;
    const where = line > FAR_NS ? 'far placement: read the ratios with care' : 'near placement';
    return 'The floor is a cache line moving between the two cores and back: ' +
      `**${num(line)} ns** in this run (${where}).`;
  },

  'rtt-ring': (run) => {
    const line = median(run, 'cacheline', 64, 'rtt_ns');
    const ring = median(run, 'shm-lockfree', 64, 'rtt_ns');
    if (line === undefined || ring === undefined) return null;
    return `The lock-free ring at 64 B: **${num(ring)} ns**, **${num(ring / line, 1)}×** that ` +
      `floor: nothing but cache lines moves${mark(disturbed(run, 'shm-lockfree', 64, 'rtt_ns'))}.`;
  },

  'rtt-kernel': (run) => {
    const pipe = median(run, 'pipe', 64, 'rtt_ns');
    if (pipe === undefined) return null;
    return 'Every kernel mechanism adds two system calls and a **wake-up** per hop: ' +
      `the pipe needs **${num(pipe / 1000)} µs**${mark(disturbed(run, 'pipe', 64, 'rtt_ns'))}.`;
  },

  'rtt-lock': (run) => {
    const lock = median(run, 'shm-lock', 64, 'rtt_ns');
    if (lock === undefined) return null;
    return 'The lock-based ring pays a sleep and a wake-up whenever a side had to wait: ' +
      `**${num(lock / 1000)} µs** at 64 B${mark(disturbed(run, 'shm-lock', 64, 'rtt_ns'))}.`;
  },

  // What the CPU plot shows about spinning: whichever way it went.
  'cpu-spin': (run) => {
    const sizes = sizesOf(run, 'shm-lockfree', 'cpu_ns_per_msg');
    const ring64 = median(run, 'shm-lockfree', 64, 'cpu_ns_per_msg');
    const pipe64 = median(run, 'pipe', 64, 'cpu_ns_per_msg');
    if (sizes.length === 0 || ring64 === undefined || pipe64 === undefined) return null;
    // At each size, the mechanism that cost less CPU than the ring, if any.
    const cheaper = [];
    for (const s of sizes) {
      const ring = median(run, 'shm-lockfree', s, 'cpu_ns_per_msg');
      const best = ['shm-lock', 'pipe', 'unix', 'tcp']
        .map((m) => ({ m, v: median(run, m, s, 'cpu_ns_per_msg') }))
        .filter((x) => x.v !== undefined && x.v < ring)
        .sort((x, y) => x.v - y.v)[0];
      if (best) cheaper.push(`${NAMES[best.m]} at ${sizeText(s)} (${num(best.v)} ns against ${num(ring)})`);
    }
    const numbers = `(**${num(ring64)} ns** of CPU per message at 64 B, the pipe **${num(pipe64)} ns**)`;
    if (cheaper.length === 0)
      return `In this run the spinning ring is the **cheapest** at every size ${numbers}: ` +
        'spinning costs CPU only while a side waits, and this plot does not show that cost.';
    return `In this run the spinning ring ${numbers} costs more CPU per message than ` +
      `${list(cheaper)}: CPU time that buys nothing but waiting.`;
  },

  // The table of costs in decks 00 and 01: the same run's floor, a round trip
  // that sleeps on both sides, and the lock-free ring against its target.
  'cost-cacheline': (run) => {
    const line = median(run, 'cacheline', 64, 'rtt_ns');
    if (line === undefined) return null;
    return `| a cache line bounced between two cores, round trip | **${num(line)} ns**` +
      `${line > FAR_NS ? ' (far placement)' : ''} |`;
  },

  'cost-sleep': (run) => {
    const line = median(run, 'cacheline', 64, 'rtt_ns');
    const lock = median(run, 'shm-lock', 64, 'rtt_ns');
    if (line === undefined || lock === undefined) return null;
    return '| a round trip in which each side sleeps and is woken (lock-based ring, 64 B) | ' +
      `**${num(lock / 1000)} µs**, about ${num(lock / line)}× a cache line |`;
  },

  'cost-ring': (run) => {
    const line = median(run, 'cacheline', 64, 'rtt_ns');
    const ring = median(run, 'shm-lockfree', 64, 'rtt_ns');
    if (line === undefined || ring === undefined) return null;
    const target = ring / line <= 3 ? 'within the target of 3×' : 'above the target of 3×';
    return `| a lock-free ring round trip (64 B) | **${num(ring)} ns**, ${num(ring / line, 1)}× ` +
      `the cache line (${target}) |`;
  },

  'cost-sleep-note': (run) => {
    const lock = median(run, 'shm-lock', 64, 'rtt_ns');
    if (lock === undefined) return null;
    return '- Sleeping at once is cheap on CPU, and costs a sleep and a wake-up on every ' +
      `wait: **${num(lock / 1000)} µs** per round trip of the lock-based ring in this run.`;
  },

  'verify-cost': (run) => {
    const check = median(run, 'verify', 64 * KIB, 'ns_per_msg');
    const rate = median(run, 'shm-lockfree', 64 * KIB, 'throughput_msgs');
    if (check === undefined || rate === undefined) return null;
    return `The check of every message: **${num(check)} ns** at 64 KiB, ` +
      `**${num((100 * check) / (1e9 / rate), 1)} %** of the lock-free ring's time per message.`;
  },
};

// Fills every {{NAME}} of markdown from run. A line holding a claim that
// gives null is left out whole; an unknown name is an error (a typo must
// not vanish quietly).
export function fill(markdown, run = loadRun()) {
  const out = [];
  for (const line of markdown.split('\n')) {
    let dropped = false;
    const filled = line.replace(/\{\{([a-z0-9-]+)\}\}/g, (_, name) => {
      if (name === 'run') return runLabel(run);
      const claim = CLAIMS[name];
      if (!claim) throw new Error(`bench-data: no claim named {{${name}}} (see CLAIMS)`);
      const text = claim(run);
      if (text === null) dropped = true;
      return text ?? '';
    });
    if (!dropped) out.push(filled);
  }
  return out.join('\n');
}

// The command line, for tests: print a deck filled in from a run.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  let dir = benchDir();
  let deck = null;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--dir') dir = path.resolve(args[++i]);
    else if (args[i] === '--fill') deck = args[++i];
  }
  if (!deck) {
    console.error('usage: node bench-data.mjs [--dir DIR] --fill DECK.md');
    process.exit(2);
  }
  process.stdout.write(fill(fs.readFileSync(deck, 'utf8'), loadRun(dir)));
}
