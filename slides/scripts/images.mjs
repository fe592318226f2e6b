// images.mjs - where the decks' pictures come from. Shared by the build
// (marp.config.mjs), which embeds every picture in the HTML, and by the
// test (check-images.mjs), which checks that every one exists.
//
// Rules:
//   - A deck names a picture by its path under slides/, e.g. img/models.svg.
//   - Pictures that the kit regenerates win over their committed copies:
//     img/bench/X.svg is taken from build/bench/X.svg when `make bench` has
//     made it, so the decks show this machine's numbers. Without a bench run
//     the committed copy is used, and the decks still build.
//   - Nothing is fetched from the network: a deck must work in a lecture
//     hall without Wi-Fi, so a URL is an error.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchDir } from './bench-data.mjs';

export const SLIDES_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const KIT_ROOT = path.dirname(SLIDES_DIR);

// The plots come from the same run as deck 05's numbers (bench-data.mjs):
// build/bench/ after `make bench`, or IPCKIT_BENCH_DIR.
const FRESH_COPIES = [{ committed: 'img/bench/', fresh: benchDir() }];

const MIME_TYPES = {
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
};

// Returns { file, fresh } for a picture a deck names, or null when src is
// already inline (a data: URI). Throws an Error saying what is wrong.
export function resolveImage(src) {
  if (src.startsWith('data:')) return null;
  if (/^[a-z][a-z0-9+.-]*:/i.test(src) || src.startsWith('//')) {
    throw new Error(`image ${src}: only files under slides/ can be used (no network in a lecture hall)`);
  }
  const name = decodeURI(src.split(/[?#]/)[0]);
  if (!MIME_TYPES[path.extname(name).toLowerCase()]) {
    throw new Error(`image ${src}: unknown picture type (use ${Object.keys(MIME_TYPES).join(' ')})`);
  }
  for (const { committed, fresh } of FRESH_COPIES) {
    if (name.startsWith(committed)) {
      const candidate = path.join(fresh, name.slice(committed.length));
      if (fs.existsSync(candidate)) return { file: candidate, fresh: true };
    }
  }
  const file = path.resolve(SLIDES_DIR, name);
  if (!file.startsWith(SLIDES_DIR + path.sep)) {
    throw new Error(`image ${src}: outside slides/`);
  }
  if (!fs.existsSync(file)) {
    throw new Error(`image ${src}: not found (looked for ${path.relative(KIT_ROOT, file)})`);
  }
  return { file, fresh: false };
}

// The picture's bytes as a data: URI, so that the HTML needs no other file.
export function dataUri(file) {
  const type = MIME_TYPES[path.extname(file).toLowerCase()];
  return `data:${type};base64,${fs.readFileSync(file).toString('base64')}`;
}

// Every picture a deck's Markdown names, as { src, line }, outside fenced
// code blocks (code on a slide may show image syntax without meaning it).
// An <img> tag is reported with src null: the build embeds only Markdown
// images, so decks must use ![alt](path).
export function imageRefs(markdown) {
  const refs = [];
  let fence = null;
  markdown.split('\n').forEach((text, index) => {
    const line = index + 1;
    const opening = text.match(/^\s*(```+|~~~+)/);
    if (opening) {
      if (fence === null) fence = opening[1];
      else if (opening[1].startsWith(fence)) fence = null;
      return;
    }
    if (fence !== null) return;
    for (const m of text.matchAll(/!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      refs.push({ src: m[1], line });
    }
    if (/<img\b/i.test(text)) refs.push({ src: null, line });
  });
  return refs;
}
