/**
 * The table of slide directives: everything a slide may contain beyond
 * Markdown, each declared in a module of its own in this folder. The
 * visitor (visit.ts) looks a directive up here, an unknown one's message
 * lists these, and slides/README.md's table of directives is written from
 * them (`node scripts/readme-directives.ts`; a test fails when they differ).
 * To add a directive, write its module and add it to {@link DIRECTIVES}.
 */
import { column } from './column.ts';
import { columns } from './columns.ts';
import type { Directive, DirectiveKind } from './define.ts';
import { demo } from './demo.ts';
import { figure } from './figure.ts';
import { fragment } from './fragment.ts';
import { fragments } from './fragments.ts';
import { label } from './label.ts';
import { lecturer } from './lecturer.ts';
import { poll } from './poll.ts';
import { qr } from './qr.ts';
import { slide } from './slide.ts';
import { small } from './small.ts';

/** Every directive, in the order the README and the "known: …" list show them. */
export const DIRECTIVES: readonly Directive[] = [
  slide,
  demo,
  poll,
  figure,
  qr,
  label,
  fragments,
  fragment,
  small,
  columns,
  column,
  lecturer,
];

const byKind = new Map(DIRECTIVES.flatMap((directive) => directive.kinds.map((kind) => [`${kind}:${directive.name}`, directive] as const)));

/** The directive written as `kind` with this name, or undefined when there is none. */
export function findDirective(kind: DirectiveKind, name: string): Directive | undefined {
  return byKind.get(`${kind}:${name}`);
}

/** How a directive is written as a block: `::name` for one line, `:::name` around blocks. */
function written(directive: Directive): string {
  return `${directive.kinds.includes('containerDirective') ? ':::' : '::'}${directive.name}`;
}

/** The block directives a slide may use, for the message about an unknown one: `::slide, ::demo, …, and in notes :::lecturer`. */
export function knownDirectives(): string {
  const anywhere = DIRECTIVES.filter((directive) => !directive.notesOnly).map(written);
  const notes = DIRECTIVES.filter((directive) => directive.notesOnly).map(written);
  return [...anywhere, ...(notes.length > 0 ? [`and in notes ${notes.join(', ')}`] : [])].join(', ');
}

/** A table cell's Markdown: a `|`, even in code, would end the cell. */
function cell(markdown: string): string {
  return markdown.replace(/\|/g, '\\|');
}

/** slides/README.md's table of directives, one row per directive. */
export function readmeTable(): string {
  const rows = DIRECTIVES.map(({ readme }) => `| ${cell(readme.write)} | ${cell(readme.get)} |`);
  return ['| write | to get |', '| --- | --- |', ...rows].join('\n');
}
