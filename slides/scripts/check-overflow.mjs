// check-overflow.mjs - render every slide at 1280x720 in headless Chromium
// and check that nothing overflows it: no element reaches beyond the slide's
// content area (into the margin, where the footer and page number sit, or
// off the slide), no table or text is wider than its box, no code block had
// to be shrunk below a readable size, and every picture loads.
//
// usage: node slides/scripts/check-overflow.mjs [--expect-overflow]
//            [--screenshots DIR [--shot DECK:N]...] DECK.html...
//
//   --expect-overflow  the decks are known-bad fixtures: succeed only when
//                      every slide of each is reported (proves the check
//                      can fail)
//   --screenshots DIR  also save each slide as DIR/<deck>-NN.png
//   --shot DECK:N      with --screenshots: only slide N of DECK (e.g.
//                      04-tcp:23), as many times as wanted; pictures for a
//                      person to look at, taken during the same check
//
// Environment: CHROME_PATH (default /usr/bin/chromium, Debian's package).
// Exit status: 0 when the decks are as expected, 1 otherwise, 2 on misuse.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';

const WIDTH = 1280;
const HEIGHT = 720;
const TOLERANCE_PX = 1; // sub-pixel rounding is not an overflow
const MIN_CODE_PX = 16; // smaller code cannot be read from the back of a room
const SETTLE_TRIES = 5; // looks at a deck before a problem counts (see checkDeck)
const SETTLE_MS = 200;

function usage(message) {
  console.error(`check-overflow: ${message}`);
  console.error('usage: node check-overflow.mjs [--expect-overflow] [--screenshots DIR] DECK.html...');
  process.exit(2);
}

function parseArgs(argv) {
  const options = { expectOverflow: false, screenshots: null, shots: new Map(), decks: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--expect-overflow') options.expectOverflow = true;
    else if (arg === '--screenshots') {
      options.screenshots = argv[++i];
      if (!options.screenshots) usage('--screenshots needs a folder');
    } else if (arg === '--shot') {
      const m = /^([^:]+):(\d+)$/.exec(argv[++i] ?? '');
      if (!m) usage('--shot needs DECK:N, e.g. 04-tcp:23');
      if (!options.shots.has(m[1])) options.shots.set(m[1], new Set());
      options.shots.get(m[1]).add(Number(m[2]));
    } else if (arg.startsWith('-')) usage(`unknown option ${arg}`);
    else options.decks.push(arg);
  }
  if (options.decks.length === 0) usage('no deck given');
  return options;
}

// Runs inside the page: the problems of every slide of a Marp HTML deck.
function findProblems({ tolerance, minCodePx }) {
  const describe = (el) => {
    const text = (el.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 50);
    return `<${el.tagName.toLowerCase()}>${text ? ` "${text}"` : ''}`;
  };
  const slides = [...document.querySelectorAll('svg[data-marpit-svg]')];
  const problems = [];
  slides.forEach((svg, index) => {
    const slide = index + 1;
    // Split backgrounds add sections of their own; only the content counts.
    const sections = [...svg.querySelectorAll(':scope > foreignObject > section')].filter(
      (s) => !['background', 'pseudo'].includes(s.dataset.marpitAdvancedBackground),
    );
    for (const section of sections) {
      // The content area: the slide minus its padding, where Marp puts the
      // header, the footer and the page number. Text there collides with them.
      const box = section.getBoundingClientRect();
      const style = getComputedStyle(section);
      const scale = box.width / section.offsetWidth;
      const area = {
        left: box.left + parseFloat(style.paddingLeft) * scale,
        right: box.right - parseFloat(style.paddingRight) * scale,
        top: box.top + parseFloat(style.paddingTop) * scale,
        bottom: box.bottom - parseFloat(style.paddingBottom) * scale,
      };
      const sticksOut = (el) => {
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) return 0;
        return Math.max(area.left - r.left, r.right - area.right, area.top - r.top, r.bottom - area.bottom);
      };
      for (const el of section.querySelectorAll('*')) {
        if (el.ownerSVGElement) continue; // parts of a picture: its <svg> is checked
        if (el.closest('header, footer')) continue; // these belong in the margin
        const by = sticksOut(el);
        // Report the outermost element only: its children stick out with it.
        if (by > tolerance && !(el.parentElement !== section && sticksOut(el.parentElement) > tolerance)) {
          problems.push({ slide, what: `${describe(el)} reaches ${Math.round(by)}px beyond the slide's content area` });
        }
      }
      // Marp shrinks a code block that is too wide (<marp-pre>) instead of
      // letting it overflow: check that what is left can still be read.
      for (const code of section.querySelectorAll('marp-pre code, pre code')) {
        const scale = code.offsetHeight ? code.getBoundingClientRect().height / code.offsetHeight : 1;
        const px = parseFloat(getComputedStyle(code).fontSize) * scale;
        if (px < minCodePx) {
          problems.push({ slide, what: `${describe(code)} was shrunk to ${px.toFixed(1)}px to fit: too small to read (shorten its lines)` });
        }
      }
      for (const el of section.querySelectorAll('table, h1, h2, h3, p, li')) {
        const wider = el.scrollWidth - el.clientWidth;
        if (el.clientWidth > 0 && wider > tolerance) {
          problems.push({ slide, what: `${describe(el)} is ${wider}px wider than its box` });
        }
      }
      for (const img of section.querySelectorAll('img')) {
        if (!img.complete || img.naturalWidth === 0) problems.push({ slide, what: `picture ${img.alt || '(no alt)'} did not load` });
      }
    }
  });
  return { slides: slides.length, problems };
}

async function checkDeck(browser, file, options) {
  const page = await browser.newPage();
  try {
    await page.setViewport({ width: WIDTH, height: HEIGHT });
    const url = pathToFileURL(path.resolve(file)).href;
    await page.goto(url, { waitUntil: 'load' });
    await page.evaluate(() => document.fonts.ready);
    // Marp scales code blocks to fit after load, at a time of its own; on a
    // busy machine that can take longer than any fixed pause. So a problem
    // counts only if it is still there after the layout has had time to
    // settle: look again, up to SETTLE_TRIES times, SETTLE_MS apart.
    let result;
    for (let attempt = 0; attempt < SETTLE_TRIES; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      result = await page.evaluate(findProblems, { tolerance: TOLERANCE_PX, minCodePx: MIN_CODE_PX });
      if (result.problems.length === 0) break;
    }
    const { slides, problems } = result;
    if (options.screenshots) {
      fs.mkdirSync(options.screenshots, { recursive: true });
      const stem = path.basename(file, '.html');
      const wanted = options.shots.size ? options.shots.get(stem) ?? new Set() : null;
      for (let n = 1; n <= slides; n++) {
        if (wanted && !wanted.has(n)) continue;
        await page.goto(`${url}#${n}`, { waitUntil: 'load' });
        // The on-screen controls are for people, not for pictures of slides.
        await page.addStyleTag({ content: '.bespoke-marp-osc { display: none !important; }' });
        await new Promise((resolve) => setTimeout(resolve, 150)); // the slide's transition
        const name = path.join(options.screenshots, `${stem}-${String(n).padStart(2, '0')}.png`);
        await page.screenshot({ path: name });
      }
    }
    return { slides, problems };
  } finally {
    await page.close();
  }
}

const options = parseArgs(process.argv.slice(2));
const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  headless: true,
  // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
  args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none', '--hide-scrollbars'],
});
let ok = true;
try {
  for (const deck of options.decks) {
    const { slides, problems } = await checkDeck(browser, deck, options);
    const name = path.basename(deck);
    if (slides === 0) {
      console.log(`FAIL ${name}: no slides found (is it a Marp HTML deck?)`);
      ok = false;
    } else if (options.expectOverflow) {
      const caught = new Set(problems.map((p) => p.slide));
      const missed = [];
      for (let n = 1; n <= slides; n++) if (!caught.has(n)) missed.push(n);
      if (missed.length) {
        console.log(`FAIL ${name}: the check missed the overflow on slide ${missed.join(', ')}`);
        ok = false;
      } else {
        console.log(`ok   ${name}: all ${slides} overflowing slides caught`);
      }
    } else if (problems.length) {
      for (const p of problems) console.log(`FAIL ${name} slide ${p.slide}: ${p.what}`);
      ok = false;
    } else {
      console.log(`ok   ${name}: ${slides} slides fit 1280x720`);
    }
  }
} finally {
  await browser.close();
}
process.exit(ok ? 0 : 1);
