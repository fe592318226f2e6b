// check-images.mjs - check that every picture a deck names exists, with
// the same rules the build uses (images.mjs): a path under slides/, or a
// fresh copy under build/bench for img/bench/.
//
// usage: node slides/scripts/check-images.mjs DECK.md...
// Prints each problem as DECK:LINE: what is wrong; exit status 0 when there
// is none, 1 otherwise.
import fs from 'node:fs';
import path from 'node:path';
import { imageRefs, resolveImage } from './images.mjs';

const decks = process.argv.slice(2);
if (decks.length === 0) {
  console.error('usage: node check-images.mjs DECK.md...');
  process.exit(2);
}
let problems = 0;
let pictures = 0;
for (const deck of decks) {
  for (const { src, line } of imageRefs(fs.readFileSync(deck, 'utf8'))) {
    const where = `${path.basename(deck)}:${line}`;
    if (src === null) {
      console.log(`FAIL ${where}: an <img> tag; use ![alt](img/...) so that the build embeds it`);
      problems++;
      continue;
    }
    try {
      resolveImage(src);
      pictures++;
    } catch (error) {
      console.log(`FAIL ${where}: ${error.message}`);
      problems++;
    }
  }
}
if (problems === 0) console.log(`ok   ${pictures} pictures named by ${decks.length} decks all exist`);
process.exit(problems === 0 ? 0 : 1);
