// marp.config.mjs - how `make slides` turns the decks into HTML (Marp CLI).
//
// Every picture is embedded as a data: URI (scripts/images.mjs), so each
// build/slides/NN-*.html is one self-contained file that can be mailed,
// put on a USB stick, or opened in a lecture hall with no network. A
// picture that is missing stops the build with its name.
import path from 'node:path';
import { SLIDES_DIR, dataUri, resolveImage } from './scripts/images.mjs';
import { benchDir, fill, loadRun } from './scripts/bench-data.mjs';

const announced = new Set();

// A markdown-it rule that runs right after inline parsing, before Marp reads
// the images (sizes, backgrounds), and swaps each path for the picture itself.
function embedImages(md) {
  md.core.ruler.after('inline', 'ipckit_embed_images', (state) => {
    for (const token of state.tokens) {
      for (const child of token.children ?? []) {
        if (child.type !== 'image') continue;
        const found = resolveImage(child.attrGet('src'));
        if (found === null) continue;
        const uri = dataUri(found.file);
        child.attrSet('src', uri);
        if (child.meta?.marpitImage) child.meta.marpitImage.url = uri;
        if (found.fresh && !announced.has(found.file)) {
          announced.add(found.file);
          console.error(`slides: using the fresh ${path.relative(path.dirname(SLIDES_DIR), found.file)}`);
        }
      }
    }
  });
}

// Deck 05 writes its numbers and claims as {{NAME}} (scripts/bench-data.mjs):
// they are computed here, from the run whose plots the deck shows, before
// Marp reads a word of the deck.
function fillBenchFacts(md) {
  md.core.ruler.before('normalize', 'ipckit_bench_facts', (state) => {
    if (!state.src.includes('{{')) return;
    const dir = benchDir();
    state.src = fill(state.src, loadRun(dir));
    if (!announced.has(dir)) {
      announced.add(dir);
      console.error(`slides: numbers and claims from ${path.relative(path.dirname(SLIDES_DIR), dir)}/results.csv`);
    }
  });
}

export default {
  html: true,
  themeSet: [path.join(SLIDES_DIR, 'theme')],
  engine: ({ marp }) => marp.use(fillBenchFacts).use(embedImages),
};
