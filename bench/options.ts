/**
 * bench/run.ts's command line, read by node:util's parseArgs (strict: an
 * unknown flag, a missing value or a stray word is a mistake, answered with
 * the usage). One mode per run; the throughput run is the default.
 */
import { parseArgs } from 'node:util';
import { BACKENDS, type Backend } from './results.ts';

export const USAGE = `Usage: node bench/run.ts [--full] [--only webgpu,webgl,wasm,cpu] [--rounds N]
       node bench/run.ts --room [--processes N [--phones N]]
       node bench/run.ts --lighthouse
       node bench/run.ts --report
(npm run bench -- … builds the site first.)

  (no mode)        throughput, cost of the charts, long tasks, start-up, payload, WebGPU dispatches and
                   read-backs; writes bench/results.json and BENCHMARKS.md
  --full           also the full 5 epochs on wasm and the lab's three models in full, under Node
  --only LIST      only these backends' throughput (comma-separated), printed, nothing written
  --rounds N       rounds of each alternating comparison (default 3)
  --room           the relay's fan-out and digits, the real projector's wall, poll and questions
                   (with the speaker view); writes bench/room-results.json and BENCHMARKS.md
  --processes N    with --room: N relay processes behind nginx sharing Redis, instead; writes
                   bench/room-results.json's \`scale\` only
  --phones N       with --processes: the phones in the hall (default 2000)
  --lighthouse     Lighthouse on the deck, a plain static host's deck and the reader; writes
                   bench/lighthouse-results.json and BENCHMARKS.md
  --report         rewrite BENCHMARKS.md from the stored results (after editing bench/changes.md)
  -h, --help       this text`;

/** What one run of bench/run.ts does. */
export type BenchOptions =
  | {
      mode: 'throughput';
      /** Also the full trainings under Node (--full). */
      full: boolean;
      /** Only these backends' throughput, printed and not written (--only). */
      only?: Backend[];
      rounds: number;
    }
  | { mode: 'room' }
  | { mode: 'room-scale'; processes: number; phones: number }
  | { mode: 'lighthouse' }
  | { mode: 'report' }
  | { mode: 'help' };

/** A mistake on the command line; the command prints its message (with the usage) alone. */
export class BenchArgsError extends Error {}

/** The flags as parseArgs reads them; a mistake throws a BenchArgsError. */
function flags(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        full: { type: 'boolean', default: false },
        only: { type: 'string' },
        rounds: { type: 'string' },
        room: { type: 'boolean', default: false },
        processes: { type: 'string' },
        phones: { type: 'string' },
        lighthouse: { type: 'boolean', default: false },
        report: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    throw mistake(error instanceof Error ? error.message : String(error));
  }
}

/** Reads bench/run.ts's arguments (process.argv.slice(2)). */
export function parseBenchArgs(argv: string[]): BenchOptions {
  const values = flags(argv);
  if (values.help) return { mode: 'help' };
  const modes = (['room', 'lighthouse', 'report'] as const).filter((mode) => values[mode]);
  if (modes.length > 1) throw mistake(`--${modes.join(' and --')} cannot run together: one mode at a time.`);
  const mode = modes[0];
  const misplaced = (flag: string, where: string) => mistake(`${flag} goes only with ${where}.`);
  if (values.processes === undefined && values.phones !== undefined) throw misplaced('--phones', '--room --processes N');
  if (mode !== 'room' && values.processes !== undefined) throw misplaced('--processes', '--room');
  if (mode !== undefined) {
    const where = 'the throughput run (no mode)';
    if (values.full) throw misplaced('--full', where);
    if (values.only !== undefined) throw misplaced('--only', where);
    if (values.rounds !== undefined) throw misplaced('--rounds', where);
  }
  if (mode === 'room')
    return values.processes === undefined
      ? { mode: 'room' }
      : {
          mode: 'room-scale',
          processes: count('--processes', values.processes),
          phones: count('--phones', values.phones ?? '2000'),
        };
  if (mode !== undefined) return { mode };
  if (values.full && values.only !== undefined) throw mistake('--only runs the throughput alone; --full cannot go with it.');
  return {
    mode: 'throughput',
    full: values.full,
    ...(values.only === undefined ? {} : { only: backends(values.only) }),
    rounds: count('--rounds', values.rounds ?? '3'),
  };
}

function mistake(message: string): BenchArgsError {
  return new BenchArgsError(`${message}\n${USAGE}`);
}

/** A whole number of at least 1. */
function count(flag: string, text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw mistake(`${flag} takes a whole number of at least 1, not "${text}".`);
  return Number(text);
}

/** A comma-separated list of backends, run in the order named. */
function backends(text: string): Backend[] {
  const names = text.split(',');
  if (!names.every((name): name is Backend => (BACKENDS as readonly string[]).includes(name)))
    throw mistake(`--only takes backends from ${BACKENDS.join(', ')}, comma-separated, not "${text}".`);
  return names;
}
