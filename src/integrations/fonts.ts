/**
 * The deck's typefaces, cut down when the site is built to what the deck
 * writes: Atkinson Hyperlegible Next (upright and italic) and its Mono, from
 * their @fontsource packages, kept to the characters of the slides and of the
 * code that draws the demos (plus ASCII, Latin-1 and common typographic
 * marks), and to the weights the styles use (400 to 700). The upright face
 * goes from 34 KB to about 13 KB, and it is the one font the first slide
 * needs, so the page preloads it (src/layouts/Deck.astro).
 *
 * The faces are written to node_modules/.cache/deck-fonts/ with a stylesheet
 * of @font-face rules, which src/styles/tokens.css imports through the alias
 * `deck-fonts`; Vite then emits them as hashed assets like any other.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import subsetFont from 'subset-font';
import { openZeros } from './open-zero.ts';

/** The faces: their family, style and the fontsource file they are cut from. */
export const FACES = [
  {
    file: 'text.woff2',
    family: 'Atkinson Hyperlegible Next Variable',
    style: 'normal',
    from: '@fontsource-variable/atkinson-hyperlegible-next/files/atkinson-hyperlegible-next-latin-wght-normal.woff2',
  },
  {
    file: 'text-italic.woff2',
    family: 'Atkinson Hyperlegible Next Variable',
    style: 'italic',
    from: '@fontsource-variable/atkinson-hyperlegible-next/files/atkinson-hyperlegible-next-latin-wght-italic.woff2',
  },
  {
    file: 'mono.woff2',
    family: 'Atkinson Hyperlegible Mono Variable',
    style: 'normal',
    from: '@fontsource-variable/atkinson-hyperlegible-mono/files/atkinson-hyperlegible-mono-latin-wght-normal.woff2',
  },
] as const;

/** The weights the deck's styles use. */
const WEIGHTS = { min: 400, max: 700 };

/** The family of prose's open zero (open-zero.ts), named first in the deck's font stack. */
export const OPEN_ZERO_FAMILY = 'Atkinson Open Zero';
/** Its weights: a static face for each weight the styles use, each serving a range around it. */
const ZERO_WEIGHTS = [
  { at: 400, from: 400, to: 499 },
  { at: 600, from: 500, to: 649 },
  { at: 700, from: 650, to: 700 },
];

/** Characters every page may show whatever the slides say: ASCII, Latin-1 and the typography the deck writes. */
const ALWAYS = (() => {
  let text = '';
  for (let c = 0x20; c <= 0x7e; c++) text += String.fromCharCode(c);
  for (let c = 0xa0; c <= 0xff; c++) text += String.fromCharCode(c);
  return `${text}‘’“”–—…·•×−→←↑↓≈≤≥±✓✕▾▸€™`;
})();

/** Every character in the slides and in the deck's own code: what the faces must draw. */
export function deckCharacters(root: string): string {
  const seen = new Set(ALWAYS);
  const visit = (dir: string, pattern: RegExp) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) visit(path, pattern);
      else if (pattern.test(name)) for (const ch of readFileSync(path, 'utf8')) seen.add(ch);
    }
  };
  visit(join(root, 'slides'), /\.mdx?$/);
  visit(join(root, 'src'), /\.(ts|astro|css)$/);
  return [...seen].filter((ch) => ch >= ' ').join('');
}

/** Cuts the faces for `characters` into `out`, with their @font-face stylesheet (fonts.css). */
export async function writeFaces(out: string, characters: string): Promise<void> {
  const require = createRequire(import.meta.url);
  mkdirSync(out, { recursive: true });
  const rules: string[] = [];
  for (const face of FACES) {
    const source = readFileSync(require.resolve(face.from));
    const subset = await subsetFont(source, characters, { targetFormat: 'woff2', variationAxes: { wght: WEIGHTS } });
    writeFileSync(join(out, face.file), subset);
    rules.push(
      `@font-face {\n  font-family: '${face.family}';\n  font-style: ${face.style};\n  font-weight: ${WEIGHTS.min} ${WEIGHTS.max};\n  font-display: swap;\n  src: url('./${face.file}') format('woff2-variations');\n}`,
    );
  }
  // Prose's open zero (open-zero.ts): the text faces' zero without its slash, at each weight the styles use, as a family
  // of its own that the deck's font stack names first (tokens.css), so that it draws every zero of prose and nothing else.
  for (const face of FACES.filter((f) => f.file.startsWith('text'))) {
    const source = readFileSync(require.resolve(face.from));
    for (const weight of ZERO_WEIGHTS) {
      const instance = Buffer.from(await subsetFont(source, '0', { targetFormat: 'truetype', variationAxes: { wght: weight.at } }));
      const { font, opened } = openZeros(instance);
      if (opened === 0)
        throw new Error(`fonts: ${face.from} at weight ${weight.at} has no slashed zero to open; update src/integrations/open-zero.ts`);
      const file = `zero-${face.style}-${weight.at}.woff2`;
      // The subsetter, given the opened font and the same character, only packs it as WOFF2.
      writeFileSync(join(out, file), await subsetFont(font, '0', { targetFormat: 'woff2' }));
      rules.push(
        `@font-face {\n  font-family: '${OPEN_ZERO_FAMILY}';\n  font-style: ${face.style};\n  font-weight: ${weight.from} ${weight.to};\n  font-display: swap;\n  unicode-range: U+0030;\n  src: url('./${file}') format('woff2');\n}`,
      );
    }
  }
  writeFileSync(
    join(out, 'fonts.css'),
    `/* Written by src/integrations/fonts.ts: the deck's faces, cut to what it writes. */\n${rules.join('\n\n')}\n`,
  );
}

/** The Astro integration: cuts the faces before Vite bundles the styles, and gives them the alias `deck-fonts`. */
export function fonts(): AstroIntegration {
  return {
    name: 'deck-fonts',
    hooks: {
      'astro:config:setup': async ({ config, updateConfig, logger }) => {
        const root = fileURLToPath(config.root);
        const characters = deckCharacters(root);
        const key = createHash('sha256')
          .update(characters)
          .update(JSON.stringify(FACES))
          .update(JSON.stringify(ZERO_WEIGHTS))
          .digest('hex')
          .slice(0, 12);
        const out = join(root, 'node_modules/.cache/deck-fonts', key);
        let cached = false;
        try {
          cached = statSync(join(out, 'fonts.css')).isFile();
        } catch {
          // Not cut yet for these characters.
        }
        if (!cached) {
          await writeFaces(out, characters);
          const sizes = FACES.map((f) => `${f.file} ${(statSync(join(out, f.file)).size / 1024).toFixed(1)} KiB`).join(', ');
          logger.info(`${[...characters].length} characters: ${sizes}`);
        }
        updateConfig({ vite: { resolve: { alias: { 'deck-fonts': out } } } });
      },
    },
  };
}
