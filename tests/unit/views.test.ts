// @vitest-environment happy-dom
/**
 * Every demo's view, drawn for fixed, seeded states and compared with a
 * stored picture, as Observable Plot tests its figures. Each demo lists its
 * states in its own `snapshots.ts` (src/contract/demo.ts, ViewSnapshots);
 * this file finds them all, so adding a demo edits nothing here. The
 * pictures are the figures' markup (SVG inside HTML) in tests/unit/views/,
 * one file per state; open one in a browser to see it.
 *
 * On a mismatch the test writes `<name>-changed.html` beside the stored file
 * and fails; compare the two, and if the change is meant, accept every
 * changed picture with `npm run test:views:accept` (which rewrites the stored
 * files and deletes the -changed ones). A new picture is stored on its first
 * run, except in CI, where a missing one fails.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ViewContext, ViewSnapshots } from '../../src/contract/demo.ts';

// KaTeX checks for standards mode when it loads, and happy-dom has no compatMode: say what the deck's page is.
vi.hoisted(() => Object.defineProperty(document, 'compatMode', { value: 'CSS1Compat', configurable: true }));

const HERE = dirname(fileURLToPath(import.meta.url));
const STORE = join(HERE, 'views');
const DEMOS = join(HERE, '../../src/demos');
const UPDATE = process.env.UPDATE_VIEWS === '1';

const found = import.meta.glob<ViewSnapshots<unknown>>('../../src/demos/*/snapshots.ts', { eager: true, import: 'default' });
/** Each demo's snapshots, by folder name. */
const SNAPSHOTS = new Map(
  Object.entries(found).map(([path, snapshots]) => [/\/demos\/([^/]+)\/snapshots\.ts$/.exec(path)![1]!, snapshots]),
);

/** Draws `states` one after another in a fresh figure and returns its markup, one tag per line. */
function draw<S>(snapshots: ViewSnapshots<S>, states: S[], options: Partial<ViewContext<never, never>> = {}): string {
  const root = document.createElement('figure');
  root.className = 'demo';
  const stage = document.createElement('div');
  stage.className = 'demo-stage';
  root.append(stage);
  document.body.append(root);
  const view = snapshots.view({
    root,
    stage,
    params: {} as never,
    steps: 0,
    print: false,
    reducedMotion: true,
    signal: new AbortController().signal,
    role: 'main',
    dispatch: () => {},
    ...options,
  });
  for (const state of states) view.render(state);
  const attributes = Object.entries(root.dataset)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `data-${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}="${v}"`)
    .join(' ');
  return `<!-- figure ${attributes} -->\n${stage.innerHTML.replace(/></g, '>\n<')}\n`;
}

/** Compares a picture with its stored file; writes -changed beside it on a mismatch. */
function expectPicture(name: string, markup: string): void {
  const stored = join(STORE, `${name}.html`);
  const changed = join(STORE, `${name}-changed.html`);
  mkdirSync(STORE, { recursive: true });
  if (!UPDATE && !existsSync(stored) && process.env.CI)
    expect.fail(`there is no stored picture tests/unit/views/${name}.html: run the view tests locally and commit it`);
  if (UPDATE || !existsSync(stored)) {
    writeFileSync(stored, markup);
    rmSync(changed, { force: true });
    return;
  }
  const expected = readFileSync(stored, 'utf8');
  if (expected === markup) {
    rmSync(changed, { force: true });
    return;
  }
  writeFileSync(changed, markup);
  expect.fail(
    `the view "${name}" changed: compare tests/unit/views/${name}.html with ${name}-changed.html; if the change is meant, run \`npm run test:views:accept\``,
  );
}

afterEach(() => document.body.replaceChildren());

describe('every demo with a view registers its snapshots', () => {
  it('has a snapshots.ts beside each view.ts, and every stored picture belongs to one of them', () => {
    const withViews = readdirSync(DEMOS).filter((name) => existsSync(join(DEMOS, name, 'view.ts')));
    expect(withViews.filter((name) => !SNAPSHOTS.has(name))).toEqual([]);
    const names = new Set([...SNAPSHOTS.values()].flatMap((s) => s.snapshots().map((x) => x.name)));
    const stored = readdirSync(STORE)
      .filter((file) => file.endsWith('.html') && !file.endsWith('-changed.html'))
      .map((file) => file.slice(0, -'.html'.length));
    expect(stored.filter((name) => !names.has(name))).toEqual([]);
  });
});

for (const [demo, snapshots] of SNAPSHOTS) {
  describe(`the ${demo} view`, () => {
    for (const snapshot of snapshots.snapshots()) {
      it(`draws ${snapshot.name} as stored`, () => {
        expectPicture(snapshot.name, draw(snapshots, snapshot.states, { print: snapshot.print ?? false, role: snapshot.role ?? 'main' }));
      });
    }
  });
}
