/**
 * The palette check (src/integrations/palette.ts): a figure or a demo that
 * paints in a fixed colour reads in one theme and vanishes in the other, so
 * the build refuses it, naming the file and the line.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  checkFigure,
  checkPalette,
  checkStylesheet,
  checkViewSource,
  colourProblem,
  derivedTokens,
  formatProblems,
  paletteTokens,
} from '../../src/integrations/palette.ts';
import { difference } from './colour-vision.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TOKENS = paletteTokens(':root { --ink: #000; --paper: #fff; --accent: #00f; }\n:root[data-theme="dark"] { --ink: #fff; }');

describe('the palette check', () => {
  it('finds no colour outside the palette in the project’s figures, demos and styles', () => {
    expect(formatProblems(checkPalette(ROOT))).toBe('');
  });

  it('reads the tokens that tokens.css defines', () => {
    expect([...TOKENS].sort()).toEqual(['--accent', '--ink', '--paper']);
  });

  it('accepts tokens, keywords and gradients, and refuses literal colours and unknown properties', () => {
    for (const ok of ['var(--ink)', 'none', 'currentColor', 'transparent', 'url(#g)', 'color-mix(in srgb, var(--ink) 40%, var(--paper))'])
      expect(colourProblem(ok, TOKENS), ok).toBeUndefined();
    expect(colourProblem('#1b1f24', TOKENS)).toMatch(/"#1b1f24" is one colour in both themes/);
    expect(colourProblem('rgb(0 0 0 / 25%)', TOKENS)).toMatch(/rgb/);
    expect(colourProblem('white', TOKENS)).toMatch(/"white"/);
    expect(colourProblem('var(--blue)', TOKENS)).toMatch(/var\(--blue\) is not a token/);
  });

  it('names the line of a figure’s text that has no fill, which SVG draws black in both themes', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg">\n<g fill="var(--ink)"><text>inherits</text></g>\n<text>black</text>\n</svg>';
    const problems = checkFigure(svg, 'slides/figures/x.svg', TOKENS);
    expect(problems.map((p) => p.line)).toEqual([3]);
    expect(problems[0]!.message).toMatch(/no fill of its own/);
  });

  it('refuses a figure’s fixed colours and accepts marks that only stroke', () => {
    const svg =
      '<svg>\n<rect fill="#fff" stroke="var(--ink)"/>\n<path d="M0 0" fill="none" stroke="var(--accent)"/>\n<circle r="3" style="fill: var(--nope)"/>\n</svg>';
    const problems = checkFigure(svg, 'f.svg', TOKENS);
    expect(problems.map((p) => [p.line, /#fff|--nope/.exec(p.message)?.[0]])).toEqual([
      [2, '#fff'],
      [4, '--nope'],
    ]);
  });

  it('checks a stylesheet’s colour properties, counting numbers in calc() and properties made of tokens as fine', () => {
    const css =
      '.a { fill: var(--ink); }\n.b {\n  stroke: #333;\n}\n.c { --line: var(--accent); color: var(--line); }\n.d { background: color-mix(in srgb, var(--ink) calc(var(--v) * 100%), transparent); box-shadow: 0 0 2px rgb(0 0 0 / 20%); }';
    const tokens = derivedTokens([css], TOKENS);
    expect(tokens.has('--line')).toBe(true);
    expect(checkStylesheet(css, 's.css', tokens).map((p) => `${p.line} ${p.message.slice(0, 12)}`)).toEqual(['3 stroke: #333']);
  });

  it('refuses a literal colour in a demo’s code unless the line says why it is exempt, and does not mistake a class for a colour', () => {
    const source = [
      "sel.attr('fill', '#ff0000');",
      "sel.style('stroke', 'red');",
      "sel.attr('class', 'grey');",
      '// palette-exempt: canvas pixels are data',
      "const INK = '#000';",
    ].join('\n');
    expect(checkViewSource(source, 'view.ts').map((p) => p.line)).toEqual([1, 2]);
  });
});

describe('the palette under colour-vision deficiencies', () => {
  const css = readFileSync(new URL('../../src/styles/tokens.css', import.meta.url), 'utf8');
  const block = (selector: string) =>
    Object.fromEntries(
      [
        ...css
          .slice(css.indexOf(selector))
          .split('}')[0]!
          .matchAll(/(--[\w-]+):\s*(#[0-9a-f]{3,6})\b/gi),
      ].map((m) => [m[1]!, m[2]!]),
    );
  const light = block(':root {');
  const themes = { light, dark: { ...light, ...block(":root[data-theme='dark']") } };
  const deficiencies = ['normal', 'protanopia', 'deuteranopia', 'tritanopia'] as const;
  const least = (theme: Record<string, string>, a: string, b: string) =>
    Math.min(...deficiencies.map((d) => difference(theme[a]!, theme[b]!, d)));

  it('keeps blue and orange, the pair figures may rely on alone, far apart (ΔE ≥ 40) for every deficiency, in both themes', () => {
    for (const theme of Object.values(themes)) expect(least(theme, '--accent', '--warm')).toBeGreaterThan(40);
  });

  it('keeps the pairs that come with a second cue (right and wrong, a curve and its reference, a line and its gap) apart (ΔE ≥ 12)', () => {
    for (const [name, theme] of Object.entries(themes))
      for (const [a, b] of [
        ['--good', '--bad'],
        ['--accent', '--good'],
        ['--warm', '--bad'],
        ['--accent', '--bad'],
      ] as const)
        expect(least(theme, a, b), `${name} ${a} · ${b}`).toBeGreaterThan(12);
  });

  it('tells red from green apart less than the simulation demands, which is why the palette no longer pairs them', () => {
    expect(difference('#1d7a3a', '#b4232a', 'deuteranopia')).toBeLessThan(20);
  });
});
