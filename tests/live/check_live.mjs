// check_live.mjs - headless Chromium reads the live view's DOM during a real traced run.
//
// usage: node tests/live/check_live.mjs BUILD OUT_DIR
//
// Starts the live server (BUILD/tools/live/live) on 127.0.0.1, opens its page
// at 1280x720, then runs lab 04's `tcp_demo -p halfclose` with IPC_TRACE_LIVE
// while the page is open. Once the run is drawn, checks from the page's DOM,
// against the trace file read here on its own:
//   - every line of the trace is one row, in the order it was written;
//   - cause before effect: every arrow goes down the page; every recv that
//     got bytes has a data arrow, every accept a SYN, every recv = 0 a FIN;
//   - every row is in its process's lane, the listening socket's calls in
//     that process's listener lane;
//   - every socket's chip shows the state its last call left it in;
//   - every text is 18 px or more, with a contrast of 4.5:1 or more.
// Then lab 01's ring (shm_demo): the gauge shows how full the ring is after
// each message, and each side's sleeps as its waits start and end.
// Then step mode, from the page: the same run in step mode (IPC_STEP=notes,
// on a terminal that script(1) gives it), each pause answered by pressing
// Space in the page, never in the terminal; the run must end.
// Pictures: OUT_DIR/live-halfclose.png (the middle of the run: the server has
// just read the client's FIN), OUT_DIR/live-halfclose-end.png, and
// OUT_DIR/live-ring.png (the ring full, the producer asleep).
// Prints ok/FAIL lines; exit status 0 only when all passed.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(path.join(ROOT, 'slides', 'package.json'));
const puppeteer = require('puppeteer-core');

const [build, outDir] = process.argv.slice(2);
if (!outDir) {
  console.error('usage: node tests/live/check_live.mjs BUILD OUT_DIR');
  process.exit(2);
}
let failed = 0;
function check(what, ok, detail = '') {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${ok || !detail ? '' : `\n     ${detail}`}`);
  if (!ok) failed++;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ipckit-live-test-'));
const trace = path.join(work, 'run.jsonl');
let browser;
let server;

// Starts a live server on trace (and keys, for step mode); resolves to its address.
function startServer(tracePath, keys) {
  const args = ['-p', '0', '-d', 'tools/live/page', ...(keys ? ['-k', keys] : []), tracePath];
  const child = spawn(path.join(build, 'tools/live/live'), args,
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
      if (m) resolve(m[0]);
    });
    child.on('exit', (code) => reject(new Error(`the live server exited (${code})`)));
    setTimeout(() => reject(new Error('the live server did not say its address')), 5000);
  });
  return { child, url };
}

// Lab 01's ring, drawn from a real run of shm_demo.
async function checkRing(chrome) {
  const trace3 = path.join(work, 'ring.jsonl');
  const { child, url } = startServer(trace3);
  try {
    const page = await chrome.newPage();
    await page.setViewport({ width: 1280, height: 720 });
    const address = await url;
    await page.goto(address, { waitUntil: 'load' });
    const run = spawnSync(path.join(build, 'solutions/01-shm-ring/shm_demo'), ['-m', 'lock', '-n', '400'],
      { env: { ...process.env, IPC_TRACE: 'off', IPC_TRACE_LIVE: trace3 }, encoding: 'utf8' });
    check('shm_demo -m lock -n 400 ran', run.status === 0, run.stderr);
    const lines = fs.readFileSync(trace3, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
      .filter((ev) => ev.phase !== 'pause' && ev.phase !== 'resume');
    await page.waitForFunction((n) => document.body.dataset.lines === String(n), { timeout: 10000 },
      lines.length);
    const fills = lines.filter((ev) => ev.fill_capacity > 0);
    const sleeps = (role) => lines.filter((ev) => ev.role === role && ev.phase === 'start' &&
      ['futex_wait', 'pthread_cond_timedwait'].includes(ev.call)).length;
    const dom = await page.evaluate(() => ({
      ring: { ...document.getElementById('ring').dataset },
      producer: document.getElementById('ring-producer').dataset.sleeps ?? '0',
      consumer: document.getElementById('ring-consumer').dataset.sleeps ?? '0',
      rows: document.querySelectorAll('#rows .row').length,
    }));
    check(`the ring's gauge took every message (${fills.length}) and ends at ${fills.at(-1)?.fill_used} bytes`,
      dom.ring.messages === String(fills.length) && dom.ring.used === String(fills.at(-1)?.fill_used));
    check(`the ring filled up to ${dom.ring.most} of ${dom.ring.capacity} bytes`,
      Number(dom.ring.most) === Math.max(...fills.map((ev) => ev.fill_used)) && Number(dom.ring.most) > 0);
    check(`each side's sleeps are drawn (producer ${sleeps('producer')}, consumer ${sleeps('consumer')})`,
      dom.producer === String(sleeps('producer')) && dom.consumer === String(sleeps('consumer')));
    check(`the messages go to the gauge, not to rows (${dom.rows} rows for ${lines.length} lines)`,
      dom.rows === lines.length - fills.length);
    // A picture: the moment the producer goes to sleep on a full ring.
    const asleep = lines.findIndex((ev) => ev.role === 'producer' && ev.phase === 'start');
    if (asleep >= 0) {
      await page.goto(`${address}?upto=${asleep + 1}`, { waitUntil: 'load' });
      await page.waitForFunction((n) => document.body.dataset.lines === String(n), { timeout: 10000 },
        asleep + 1);
      await page.screenshot({ path: path.join(outDir, 'live-ring.png') });
    }
    await page.close();
  } finally {
    child.kill('SIGTERM');
  }
}

// Step mode driven from the page: every pause is answered by Space there.
async function stepFromThePage(chrome) {
  const trace2 = path.join(work, 'step.jsonl');
  const keys = path.join(work, 'keys');
  spawnSync('mkfifo', ['-m', '600', keys]);
  const { child, url } = startServer(trace2, keys);
  try {
    const page = await chrome.newPage();
    await page.setViewport({ width: 1280, height: 720 });
    await page.goto(await url, { waitUntil: 'load' });
    const demo = path.join(build, 'solutions/04-tcp-lifecycle/tcp_demo');
    // script(1) gives the run a terminal of its own: step mode pauses only on one.
    const run = spawn('script', ['-qfec', `${demo} -p halfclose`, '/dev/null'], {
      env: { ...process.env, IPC_TRACE: 'off', IPC_TRACE_LIVE: trace2, IPC_STEP: 'notes',
        IPC_STEP_KEYS: keys },
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    const ended = new Promise((resolve) => run.on('exit', (code) => resolve(code)));
    let presses = 0, done = null;
    ended.then((code) => { done = code; });
    const deadline = Date.now() + 20000;
    // One Space per pause the page has shown (the next one may follow its
    // predecessor's resume at once, so the count is what tells them apart).
    while (done === null && Date.now() < deadline) {
      const pauses = await page.evaluate(() => Number(document.body.dataset.pauses ?? 0));
      const waiting = await page.evaluate(() => !document.getElementById('pause').hidden);
      if (pauses > presses && waiting) {
        await page.keyboard.press('Space');
        presses++;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (done === null) run.kill('SIGKILL');
    check(`step mode follows the page: ${presses} pauses, each answered by Space in the page, ` +
      `the run ended (exit ${done})`, presses >= 2 && done === 0);
    await page.close();
  } finally {
    child.kill('SIGTERM');
  }
}

try {
  const started = startServer(trace);
  server = started.child;
  const url = await started.url;
  check(`the server listens on loopback only (${url})`, url.startsWith('http://127.0.0.1:'));

  browser = await puppeteer.launch({
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', `--user-data-dir=${path.join(work, 'profile')}`],
  });
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 720 });
  await page.goto(url, { waitUntil: 'load' });

  // The run, while the page is open.
  const demo = spawnSync(path.join(build, 'solutions/04-tcp-lifecycle/tcp_demo'), ['-p', 'halfclose'],
    { env: { ...process.env, IPC_TRACE: 'off', IPC_TRACE_LIVE: trace, IPC_STEP: '' }, encoding: 'utf8' });
  check('tcp_demo -p halfclose ran', demo.status === 0, demo.stderr);
  const lines = fs.readFileSync(trace, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
    .filter((ev) => ev.phase !== 'pause' && ev.phase !== 'resume');
  await page.waitForFunction((n) => document.body.dataset.lines === String(n), { timeout: 10000 },
    lines.length);
  await new Promise((r) => setTimeout(r, 300)); // the last frame's arrows

  const dom = await page.evaluate(() => ({
    rows: [...document.querySelectorAll('#rows .row')].map((r) => ({ ...r.dataset })),
    arrows: [...document.querySelectorAll('#arrows line')].map((l) => ({ ...l.dataset })),
    chips: [...document.querySelectorAll('.chip')].map((c) => ({ ...c.dataset })),
    lanes: [...document.querySelectorAll('.lane-head')].map((h) => h.dataset.lane),
  }));

  // Every line once, in order.
  const mismatch = lines.findIndex((ev, i) => {
    const r = dom.rows[i];
    return !r || r.seq !== String(i) || r.pid !== String(ev.pid) || r.call !== (ev.call ?? '') ||
      r.phase !== (ev.call ? (ev.phase ?? 'call') : 'note');
  });
  check(`every one of the ${lines.length} trace lines is one row, in the order written`,
    mismatch === -1 && dom.rows.length === lines.length,
    mismatch >= 0 ? `row ${mismatch}: ${JSON.stringify(dom.rows[mismatch])} for ${JSON.stringify(lines[mismatch])}`
      : `${dom.rows.length} rows`);

  // Cause before effect.
  const back = dom.arrows.filter((a) => Number(a.from) >= Number(a.to));
  check(`no arrow points back in time (${dom.arrows.length} arrows)`, back.length === 0,
    JSON.stringify(back));
  const into = (seq, kind) => dom.arrows.some((a) => a.to === String(seq) && a.kind === kind);
  const missing = [];
  lines.forEach((ev, i) => {
    if (ev.phase === 'start' || !ev.call) return;
    if (ev.call === 'recv' && ev.ret > 0 && !into(i, 'data')) missing.push(`data into row ${i}`);
    if (ev.call === 'accept' && ev.ret >= 0 && !into(i, 'syn')) missing.push(`SYN into row ${i}`);
    if (ev.call === 'recv' && ev.ret === 0 && !into(i, 'fin')) missing.push(`FIN into row ${i}`);
  });
  check('every receive, accept and end of file is drawn with the arrow from its cause',
    missing.length === 0, missing.join(', '));

  // Lanes.
  const wrong = dom.rows.filter((r, i) => {
    if (!lines[i].call) return false;
    const listener = r.lane.endsWith(':listener');
    const onListener = lines[i].call === 'listen';
    return !r.lane.startsWith(`${r.pid}`) || (onListener && !listener) ||
      (lines[i].call === 'accept' && listener);
  });
  check(`every row is in its process's lane, listen() in the listener's (${dom.lanes.join(', ')})`,
    wrong.length === 0, JSON.stringify(wrong.slice(0, 3)));

  // States: the last state of each socket, read from the trace here.
  const last = new Map();
  for (const ev of lines) {
    if (!ev.call || ev.phase === 'start' || !ev.state_after) continue;
    const fd = ['socket', 'accept'].includes(ev.call) && ev.ret >= 0 ? ev.ret : ev.fd;
    if (Number.isInteger(fd)) last.set(`${ev.pid}:${fd}`, ev.state_after);
  }
  const chipsWrong = [...last].filter(([k, s]) => !dom.chips.some((c) => c.socket === k && c.state === s));
  check(`every socket's chip shows its TCP state (${[...last].map(([k, s]) => `${k} ${s}`).join(', ')})`,
    chipsWrong.length === 0, JSON.stringify(chipsWrong));

  // Legible from the back: 18 px and 4.5:1.
  const small = await page.evaluate(() => {
    const lum = (c) => {
      const v = c.match(/[\d.]+/g).slice(0, 3).map((x) => Number(x) / 255)
        .map((x) => (x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4));
      return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
    };
    const background = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const b = getComputedStyle(e).backgroundColor;
        if (b && !b.endsWith(', 0)') && b !== 'transparent') return b;
      }
      return 'rgb(255, 255, 255)';
    };
    const bad = [];
    for (const el of document.querySelectorAll('body *')) {
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      if (!own || el.offsetParent === null) continue;
      const st = getComputedStyle(el);
      const size = parseFloat(st.fontSize);
      const [a, b] = [lum(st.color), lum(background(el))];
      const contrast = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      if (size < 18 || contrast < 4.5)
        bad.push(`${el.tagName}.${el.className} "${el.textContent.slice(0, 30)}" ${size}px ${contrast.toFixed(1)}:1`);
    }
    return bad;
  });
  check('every text is 18 px or more with a contrast of 4.5:1 or more at 1280x720',
    small.length === 0, small.slice(0, 5).join('\n     '));

  fs.mkdirSync(outDir, { recursive: true });
  await page.screenshot({ path: path.join(outDir, 'live-halfclose-end.png') });
  // The middle of the run: just after the server read the client's FIN.
  const eof = lines.findIndex((ev) => ev.call === 'recv' && ev.ret === 0 && ev.phase !== 'start');
  await page.goto(`${url}?upto=${eof + 1}`, { waitUntil: 'load' });
  await page.waitForFunction((n) => document.body.dataset.lines === String(n), { timeout: 10000 }, eof + 1);
  await new Promise((r) => setTimeout(r, 300));
  await page.screenshot({ path: path.join(outDir, 'live-halfclose.png') });
  check(`pictures: ${outDir}/live-halfclose.png (middle), live-halfclose-end.png`, true);
  await checkRing(browser);
  await stepFromThePage(browser);
} catch (err) {
  check('the live view ran', false, String(err));
} finally {
  if (browser) await browser.close();
  if (server) server.kill('SIGTERM');
  fs.rmSync(work, { recursive: true, force: true });
}
console.log(`test-live: ${failed ? `${failed} failed` : 'all passed'}`);
process.exit(failed ? 1 : 0);
