// test-bench-data.mjs - deck 05's claims say what the data shows, whichever way it goes.
//
// usage: node slides/scripts/test-bench-data.mjs
//
// Fills deck 05 from the committed run and from runs made from it with one
// fact changed, and checks that each claim follows the data: the pipe's line
// "falls" only when it falls, the spinning ring is "the cheapest" only when
// it is, a claim whose numbers are missing is left out with its line, and
// nothing is left unfilled. Prints ok/FAIL lines; exit status 1 on a failure.
import fs from 'node:fs';
import path from 'node:path';
import { COMMITTED_DIR, fill, parseRun, runLabel } from './bench-data.mjs';

const DECK = fs.readFileSync(path.join(COMMITTED_DIR, '..', '..', '05-comparison.md'), 'utf8');
const CSV = fs.readFileSync(path.join(COMMITTED_DIR, 'results.csv'), 'utf8');
let failed = 0;
function check(what, ok, detail = '') {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${ok || !detail ? '' : `: ${detail}`}`);
  if (!ok) failed++;
}

// The committed CSV with the median of one row replaced, or rows dropped.
function edited(change) {
  return CSV.split('\n').map((line) => {
    const f = line.split(',');
    const v = change(f[0], Number(f[1]), f[2]);
    if (v === null) return null;
    if (v !== undefined) f[3] = String(v);
    return f.join(',');
  }).filter((line) => line !== null).join('\n');
}

const committed = fill(DECK, parseRun(CSV, { date: 'D', machine: 'M' }, true));
check('nothing is left unfilled', !committed.includes('{{'));
check('no line says the lines "flatten"', !/flatten/.test(committed));
check('the pipe falls 4.3x from 64 KiB to 1 MiB (3,257 -> 751 MB/s)',
  committed.includes('the pipe falls **4.3×** (3,257 → 751 MB/s'));
check('the spinning ring is the cheapest at every size, 44 ns against the pipe 1,322 ns',
  committed.includes('the spinning ring is the **cheapest** at every size (**44 ns**') &&
  committed.includes('the pipe **1,322 ns**'));
check('the footer names the run and its disturbed rows',
  committed.includes("_footer: 'ipc-kit · 05 · committed run: D, M; 2 of 25 rows disturbed'"));

const flat = fill(DECK, parseRun(edited((m, s, x) =>
  (m === 'pipe' && s === 1048576 && x === 'throughput_MBps' ? 3300 : undefined))));
check('a pipe line that holds up is said to stay (not to fall)',
  flat.includes('the pipe stays within 1 %') && !flat.includes('the pipe falls'));

const spin = fill(DECK, parseRun(edited((m, s, x) =>
  (m === 'shm-lockfree' && s === 64 && x === 'cpu_ns_per_msg' ? 900 : undefined))));
check('a ring dearer than the lock-based one at 64 B is said to be',
  spin.includes('costs more CPU per message than the lock-based ring at 64 B (459 ns against 900)') &&
  !spin.includes('**cheapest**'));

const lost = fill(DECK, parseRun(edited((m, s, x) =>
  (m === 'pipe' && s === 64 && x === 'throughput_MBps' ? 5000 : undefined))));
check('a ring beaten at one size is "the best at 4 of 5 sizes"',
  lost.includes('the best at 4 of 5 sizes (not at 64 B)'));

const noLine = fill(DECK, parseRun(edited((m) => (m === 'cacheline' ? null : undefined))));
check('claims without their numbers are left out, line and all',
  !noLine.includes('The floor is') && !noLine.includes('that floor') && !noLine.includes('- \n'));

const label = runLabel(parseRun(edited((m, s, x) => (m === 'cacheline' ? 300 : undefined)),
  { date: 'D', machine: 'Intel(R) Xeon(R) Processor, 2 cores, Linux 6.18.44-fc' }));
check('a fresh far run is labelled so', label === 'fresh run: D, Intel Xeon, 2 cores, Linux 6.18, far placement; 2 of 25 rows disturbed', label);

let threw = false;
try {
  fill('- {{no-such-claim}}', parseRun(CSV));
} catch {
  threw = true;
}
check('an unknown placeholder is an error, not a blank', threw);

console.log(`test-bench-data: ${failed ? `${failed} failed` : 'all passed'}`);
process.exit(failed ? 1 : 0);
