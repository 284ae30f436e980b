/**
 * Writes the README's table of URL parameters from their declaration in
 * src/params.ts, between `<!-- params:start -->` and `<!-- params:end -->`.
 * `npm test` checks that the two agree (tests/unit/params.test.ts); after
 * changing a parameter, run `node scripts/readme-params.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { readmeTable } from '../src/params.ts';

const START = '<!-- params:start -->';
const END = '<!-- params:end -->';
const path = new URL('../README.md', import.meta.url);
const readme = readFileSync(path, 'utf8');
const start = readme.indexOf(START);
const end = readme.indexOf(END);
if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} around its table of URL parameters`);
writeFileSync(path, `${readme.slice(0, start + START.length)}\n${readmeTable()}\n${readme.slice(end)}`);
console.log('README.md: the table of URL parameters is written from src/params.ts');
