/**
 * The deck's Content Security Policy, computed when the site is built.
 *
 * Nothing from another origin (but the room's relay, when the build names
 * one elsewhere: src/room/relay-config.ts); no inline script except the one reveal.js's
 * speaker view writes into its own window (which inherits this policy), and
 * that one is allowed by its sha256, read from the notes plugin we ship.
 * Inline styles are allowed: KaTeX and Shiki write style attributes, and
 * reveal.js writes the @page rule for printing.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { relayFromEnv, relaySources, type RelayConfig } from '../room/relay-config.ts';

/** sha256 sources for the inline scripts of reveal.js's speaker view. */
export function speakerViewScriptHashes(notesSource: string): string[] {
  const start = notesSource.indexOf('document.write("');
  if (start === -1) throw new Error('reveal.js notes plugin: the speaker view template was not found; update src/deck/csp.ts');
  // The template is one double-quoted JavaScript string; read it as the browser will.
  let end = start + 'document.write("'.length;
  while (end < notesSource.length && !(notesSource[end] === '"' && notesSource[end - 1] !== '\\')) end++;
  const literal = notesSource.slice(start + 'document.write('.length, end + 1);
  // A plain string literal (with \xA0 and <\/script> escapes), evaluated as JavaScript would.
  const html = new Function(`return ${literal};`)() as string;
  return [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`);
}

export function contentSecurityPolicy(relay: RelayConfig = relayFromEnv(process.env.RELAY_URL)): string {
  const require = createRequire(import.meta.url);
  const notes = readFileSync(require.resolve('reveal.js/plugin/notes').replace(/notes\.js$/, 'notes.mjs'), 'utf8');
  const hashes = speakerViewScriptHashes(notes);
  return [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    ["connect-src 'self'", ...relaySources(relay)].join(' '),
    "worker-src 'self'",
    "frame-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'none'",
  ].join('; ');
}
