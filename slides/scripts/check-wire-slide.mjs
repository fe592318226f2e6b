// check-wire-slide.mjs - deck 04's lost-FIN slide says what its capture shows.
//
// usage: node check-wire-slide.mjs DECK.md TIMELINE.txt
//
// TIMELINE.txt is what `wire_view` prints for the capture the slide quotes
// (tools/wire/testdata/loss). Checks that every line of the slide's table is
// a line of that timeline (same time, and every word of the slide's line in
// it: the slide may leave columns out, never change one), that "lost the
// client's FIN twice" counts the FINs marked LOST, and that the waits
// between the sendings of the FIN are the ones the slide states. Re-record
// the capture and this check names what the slide must now say.
import fs from 'node:fs';

const [deckPath, timelinePath] = process.argv.slice(2);
if (!timelinePath) {
  console.error('usage: node check-wire-slide.mjs DECK.md TIMELINE.txt');
  process.exit(2);
}
const deck = fs.readFileSync(deckPath, 'utf8');
const timeline = fs.readFileSync(timelinePath, 'utf8').split('\n');
let bad = 0;
const fail = (msg) => {
  console.log(msg);
  bad++;
};

const start = deck.indexOf('# On the wire: a lost FIN');
if (start < 0) fail(`${deckPath}: no slide "# On the wire: a lost FIN"`);
const slide = deck.slice(start, deck.indexOf('\n---', start));
const table = /```\n([\s\S]*?)```/.exec(slide)?.[1] ?? '';
const byTime = new Map();
for (const line of timeline) {
  const words = line.trim().split(/\s+/);
  if (/^\d+\.\d{3}$/.test(words[0])) byTime.set(words[0], new Set(words));
}
for (const line of table.split('\n')) {
  const words = line.trim().split(/\s+/);
  if (!/^\d+\.\d{3}$/.test(words[0])) continue; // the heading
  const seen = byTime.get(words[0]);
  if (!seen) {
    fail(`the slide's line "${line.trim()}": no such time in the capture's timeline`);
    continue;
  }
  const missing = words.filter((w) => !seen.has(w));
  if (missing.length) fail(`the slide's line "${line.trim()}": not in the timeline: ${missing.join(' ')}`);
}

// The client's FIN, each time it was sent: when, and whether the wire lost it.
const fins = timeline
  .map((l) => l.trim().split(/\s+/))
  .filter((w) => w[1] === '------->' && w[2]?.startsWith('FIN'))
  .map((w) => ({ t: Number(w[0]), lost: w.includes('LOST') }));
const lost = fins.filter((f) => f.lost).length;
const count = { 1: 'once', 2: 'twice', 3: 'three times' }[lost] ?? `${lost} times`;
if (!slide.includes(`lost the client's FIN ${count}`))
  fail(`the slide should say the wire "lost the client's FIN ${count}"`);
if (fins.length >= 3) {
  const a = Math.round(fins[1].t - fins[0].t);
  const b = Math.round(fins[2].t - fins[1].t);
  const want = `here ${a} ms after the first FIN, then ${b} ms after the second`;
  if (!slide.replace(/\s+/g, ' ').includes(want)) fail(`the slide should say "${want}"`);
}
if (bad) process.exit(1);
console.log(`the lost-FIN slide of ${deckPath} agrees with its capture`);
