/**
 * Writes slides/README.md's table of slide directives from their declaration
 * in src/markdown/directives/, between `<!-- directives:start -->` and
 * `<!-- directives:end -->`, as scripts/readme-params.ts does for the URL
 * parameters. `npm test` checks that the two agree
 * (tests/unit/render-directives.test.ts); after adding or changing a
 * directive, run `node scripts/readme-directives.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { readmeTable } from '../src/markdown/directives/index.ts';

const START = '<!-- directives:start -->';
const END = '<!-- directives:end -->';
const path = new URL('../slides/README.md', import.meta.url);
const readme = readFileSync(path, 'utf8');
const start = readme.indexOf(START);
const end = readme.indexOf(END);
if (start < 0 || end < start) throw new Error(`slides/README.md has no ${START} … ${END} around its table of directives`);
writeFileSync(path, `${readme.slice(0, start + START.length)}\n${readmeTable()}\n${readme.slice(end)}`);
console.log('slides/README.md: the table of directives is written from src/markdown/directives/');
