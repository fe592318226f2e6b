// check-bench-figures.mjs - every number decks 00, 01 and 05 quote comes from the bench run they show.
//
// usage: node check-bench-figures.mjs [--any-placement] DECK.md RESULTS.csv FIGURES.txt
//
// DECK.md is the deck (or several, one after the other) as built: its {{NAME}} placeholders filled in from
// RESULTS.csv by scripts/bench-data.mjs (`node bench-data.mjs --dir DIR
// --fill`). FIGURES.txt is written apart from that code, by hand: each line
// is what a figure must be, so a wrong metric or a wrong rounding in the
// code that fills the deck is caught.
//
// RESULTS.csv is a `make bench` results file (mechanism,msg_size,metric,median,...,note).
// FIGURES.txt lists, one per line, a piece of the deck's text and where its number comes from:
//
//     TEXT <tab> EXPRESSION
//
// TEXT holds one placeholder {N}: the value rounded to N decimals. EXPRESSION is arithmetic
// (+ - * / and parentheses, numbers) over medians named mechanism:size:metric, such as
// `100 * shm-lockfree:65536:throughput_MBps / memcpy:65536:throughput_MBps`. Each TEXT, with
// its value filled in, must appear in the deck. So a new bench run that changes a figure makes
// this check fail until the deck says the new figure: the text and the plots cannot disagree.
// Lines starting with # are comments. The committed run must be a near placement (cache
// line under 150 ns); --any-placement accepts a far one (a fresh run on a busy machine).
import fs from 'node:fs';

const args = process.argv.slice(2);
const anyPlacement = args[0] === '--any-placement';
if (anyPlacement) args.shift();
const [deckPath, csvPath, figuresPath] = args;
if (!figuresPath) {
    console.error('usage: node check-bench-figures.mjs [--any-placement] DECK.md RESULTS.csv FIGURES.txt');
    process.exit(2);
}
const deck = fs.readFileSync(deckPath, 'utf8');
const medians = new Map();
for (const line of fs.readFileSync(csvPath, 'utf8').split('\n').slice(1)) {
    const f = line.split(',');
    if (f.length >= 4) medians.set(`${f[0]}:${f[1]}:${f[2]}`, Number(f[3]));
}

let bad = 0;
const fail = (msg) => {
    console.log(msg);
    bad++;
};

const line = medians.get('cacheline:64:rtt_ns');
if (line === undefined) fail(`${csvPath}: no cacheline row: not a bench results file?`);
else if (line >= 150 && !anyPlacement)
    fail(`${csvPath}: cache line round trip ${line} ns: a far placement; commit a near-placement run`);

for (const raw of fs.readFileSync(figuresPath, 'utf8').split('\n')) {
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    const [text, expr] = raw.split('\t');
    const place = /\{(\d)\}/.exec(text ?? '');
    if (!expr || !place) {
        fail(`${figuresPath}: not "TEXT{N}<tab>EXPRESSION": ${raw}`);
        continue;
    }
    let missing = null;
    const arithmetic = expr.replace(/[a-z][a-z0-9-]*:\d+:[a-z_A-Z]+/g, (name) => {
        if (!medians.has(name)) missing = name;
        return `(${medians.get(name)})`;
    });
    if (missing) {
        fail(`${figuresPath}: ${missing} is not in ${csvPath}`);
        continue;
    }
    if (!/^[\d\s.+\-*/()e]+$/.test(arithmetic)) {
        fail(`${figuresPath}: not plain arithmetic: ${expr}`);
        continue;
    }
    const value = Function(`"use strict"; return (${arithmetic});`)();
    const fixed = Number(place[1]);
    const want = text.replace(place[0], value.toLocaleString('en-US', {
        minimumFractionDigits: fixed, maximumFractionDigits: fixed }));
    if (!deck.includes(want))
        fail(`${deckPath} should say "${want}" (from ${expr} in ${csvPath}); it does not`);
}
if (bad) {
    console.log(`${bad} figure(s) of ${deckPath} disagree with ${csvPath}`);
    process.exit(1);
}
console.log(`every figure of ${deckPath} listed in ${figuresPath} matches ${csvPath}`);
