/**
 * The deck's URL parameters once read (src/params.ts holds their table and
 * the parser): what the deck's parts ask of them. This module carries no
 * schema library, so the first load of a plain visit stays small.
 */
import type { Address, ParamName } from './params.ts';

export type { Address, Given, ParamName } from './params.ts';

/** The address of a page whose URL has no query string: nothing given, nothing wrong. */
export const EMPTY_ADDRESS: Address = Object.freeze({ given: Object.freeze({}), problems: [], others: [] });

/** The parameters every training demo reads. */
export const TRAINING_PARAMS: readonly ParamName[] = ['backend', 'train-size', 'test-size', 'epochs', 'threads', 'fault'];

/** The sentences about the parameters in `names` that could not be used: what a demo that reads them shows. */
export function problemsWith(address: Address, names: readonly ParamName[]): string[] {
  return address.problems.filter((p) => names.includes(p.name)).map((p) => p.message);
}

/**
 * Parameters that need no schema here: the room reads `follow` itself (a
 * phone from the QR code), and reveal.js its own windows' parameters.
 */
const READ_ELSEWHERE = new Set(['follow', 'receiver', 'print-pdf', 'showNotes']);

/**
 * Reads the address of this page: the table is loaded only when there is a
 * parameter for it to read, so that a plain visit, or a phone that follows
 * the room, downloads no schema library.
 */
export async function readPageAddress(search: string): Promise<Address> {
  if ([...new URLSearchParams(search).keys()].every((name) => READ_ELSEWHERE.has(name))) return EMPTY_ADDRESS;
  const { readAddress } = await import('./params.ts');
  return readAddress(search);
}
