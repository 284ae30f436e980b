/**
 * BENCHMARKS.md from the stored results: everything that turns figures into
 * its text. `benchmarksReport` is a function of what it is given (the
 * results, the room's and Lighthouse's where they exist, and
 * bench/changes.md); reading those files and writing BENCHMARKS.md is
 * run.ts's part (`node bench/run.ts --report`).
 */
import { roomScaleTable } from './room-scale.ts';
import { BACKENDS, type Backend, type BenchResults, type LighthouseResults, type RoomResults, type Run } from './results.ts';

/** What BENCHMARKS.md is made of. */
export interface ReportInputs {
  /** bench/results.json. */
  results: BenchResults;
  /** bench/room-results.json, when there is one: the section "The room". */
  room?: RoomResults | undefined;
  /** bench/lighthouse-results.json, when there is one: the section "A phone's first visit". */
  lighthouse?: LighthouseResults | undefined;
  /** bench/changes.md, which ends the report as it is. */
  changes: string;
}

/** Floating-point operations of one training step, per example (see "The floor"). */
const FLOP = 2.4e6;

/** A figure with `digits` decimals and thousands separators; "–" for none. */
export const fmt = (n: number | undefined, digits = 0) =>
  n === undefined ? '–' : n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** The whole of BENCHMARKS.md. */
export function benchmarksReport({ results: r, room, lighthouse, changes }: ReportInputs): string {
  const runs = r.throughput;
  // Results written before the core count was recorded name it in the machine line.
  const cores = r.cores ?? Number(/^(\d+)/.exec(r.machine)?.[1] ?? 0);
  const best = Math.max(...runs.filter((x) => x.available).map((x) => x.examplesPerSecond!));
  return `# Benchmarks

Measured by \`npm run bench${r.fidelity ? ' -- --full' : ''}\` on ${r.date.slice(0, 10)}.

- Machine: ${r.machine}
- Browser: ${r.browser}
- Node: ${r.node}

Each figure is the median of ${r.rounds} rounds in which the two loops alternate. Each row trains the lecture's network (Dense 512 ReLU, Dense 10 softmax, RMSprop, batch 128) on the real MNIST in the built site, in one browser session: the live slide's own loop ("deck") and the stock TensorFlow.js way, \`model.fit\` on the same model, data and batch size ("stock", \`?loop=stock\`, as the tfjs-examples MNIST demo trains). Throughput is measured in steady state, after warm-up steps.

## Training throughput (examples per second)

| backend | deck | stock model.fit | deck / stock | deck GFLOP/s (at 2.4 MFLOP per example) | dispatches per step (deck / stock) | GPU read-backs per step (deck / stock) |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
${BACKENDS.map((b) => throughputRow(runs, b)).join('\n')}

## Cost of the show

On ${r.charts.backend}, the median of alternating rounds: ${fmt(r.charts.withCharts, 1)} examples/s with every chart drawing, ${fmt(r.charts.without, 1)} with no charts (\`?charts=off\`): **${fmt(100 * r.charts.slowdown, 1)}%** slower (goal: at most 5%; a negative figure is noise).

## Responsiveness while training

${r.responsiveness.map((x) => `- ${x.seconds} s of training on ${x.backend}: ${x.over50 === 0 ? '**no** main-thread task over 50 ms' : `**${x.over50}** main-thread tasks over 50 ms, the longest **${fmt(x.longest)} ms**`} (goal: none; the Long Tasks API reports only tasks over 50 ms).`).join('\n')}

Training runs in a Web Worker; the page only draws, at most four times a second. On this machine WebGPU is SwiftShader, which runs the GPU's work on the same two cores as the page, so the page's frames (typically 25 to 35 ms of script, style, layout, paint and commit here) can stretch past 50 ms; with WebAssembly, one core trains and the other draws.

## Start-up

| backend | start key to first finished step | bytes transferred from reaching the slide to that step |
| --- | ---: | ---: |
${r.startup.map((s) => (s.available ? `| ${s.backend} | ${fmt(s.ms)} ms | ${fmt(s.bytes! / 1e6, 2)} MB |` : `| ${s.backend} | not available | |`)).join('\n')}

${threadsSection(r)}
${autoSection(r)}
${modelsSection(r)}
## Payload

- First slide: **${fmt(r.payload.firstSlide / 1024, 1)} KiB** gzip (budget 250 KB; also checked by a test).
- The whole deck without MNIST (page, styles, fonts, every demo, TensorFlow.js and its wasm): **${fmt(r.payload.deckWithoutMnist / 1e6, 2)} MB** gzip. MNIST itself: 11.24 MB, of which the live slide needs the first 0.97 MB to start.

${fidelitySection(r)}
${lighthouse ? lighthouseSection(lighthouse) : ''}
${room ? roomSection(room) : ''}
## The floor

A training step costs about 2.4 MFLOP per example: the forward pass multiplies 784 × 512 + 512 × 10 weights (0.41 M multiply-adds, 0.81 MFLOP) and the backward pass about twice that, as automatic differentiation (and so \`model.fit\`) computes it. Half of that backward pass is the gradient with respect to the input images, which training never uses: the deck's hand-derived backward pass (src/train/model/backprop.ts) skips it, so its step does about 1.6 MFLOP per example. The GFLOP/s column counts 2.4 for both loops, so that it compares like with like: it is the rate at which each loop gets the network's work done.

- A laptop GPU sustaining 2 to 5 TFLOP/s in fp32 could, at best, train about 0.8 to 2 million examples per second; at this size the step is bound by launches and memory traffic long before that, so tens of thousands per second is a realistic target.
- The measuring machine's CPU (${cores} cores; roughly 30 to 60 GFLOP/s per core with AVX2 FMA at best) bounds pure compute at about ${fmt((cores * 30e9) / FLOP, 0)} to ${fmt((cores * 60e9) / FLOP, 0)} examples per second.
- The best figure measured here, ${fmt(best, 1)} examples/s, is ${fmt((best * FLOP) / 1e9, 2)} GFLOP/s: ${fmt((100 * best * FLOP) / (cores * 45e9), 1)}% of that CPU estimate. WebGPU and WebGL run on SwiftShader, a CPU emulation of a GPU, so their figures here say nothing about a real GPU; the dispatch and read-back counts do, and they hold on any machine.

${changes}`;
}

/** One backend's row of the throughput table: the deck's loop against stock model.fit. */
function throughputRow(runs: Run[], b: Backend): string {
  const d = runs.find((x) => x.backend === b && x.loop === 'deck')!;
  const s = runs.find((x) => x.backend === b && x.loop === 'stock')!;
  if (!d.available) return `| ${b} | not available | | | | | |`;
  const ratio = d.examplesPerSecond! / s.examplesPerSecond!;
  return `| ${b} | ${fmt(d.examplesPerSecond, 1)} | ${fmt(s.examplesPerSecond, 1)} | **${fmt(ratio, 2)}×** | ${fmt((d.examplesPerSecond! * FLOP) / 1e9, 2)} | ${d.dispatchesPerStep === undefined ? '–' : `${fmt(d.dispatchesPerStep, 1)} / ${fmt(s.dispatchesPerStep, 1)}`} | ${d.readbacksPerStep === undefined ? '–' : `${fmt(d.readbacksPerStep, 2)} / ${fmt(s.readbacksPerStep, 2)}`} |`;
}

/** Threaded WebAssembly against one thread; nothing for results measured before it was. */
function threadsSection({ threads, rounds }: BenchResults): string {
  if (!threads) return '';
  const eps = (k: number) => threads[k]!.examplesPerSecond!;
  return `## WebAssembly on every core

The median of ${rounds} alternating rounds, the lecture's network on wasm, at the default thread count (the machine's cores, when the page is cross-origin isolated) and with \`?threads=1\`:

| loop | threads | examples/s |
| --- | ---: | ---: |
${threads.map((t) => `| ${t.name} | ${t.threads ?? '–'} | ${fmt(t.examplesPerSecond, 1)} |`).join('\n')}

- Threads against one thread, the deck's loop: **${fmt(eps(0) / eps(1), 2)}×** (target 1.5×).
- The deck's loop against model.fit, both on all cores: **${fmt(eps(0) / eps(2), 2)}×** (target 3×); both on one thread: ${fmt(eps(1) / eps(3), 2)}×.
`;
}

/** The slide's own choice of backend; nothing for results measured before it was. */
function autoSection({ auto }: BenchResults): string {
  if (!auto) return '';
  return `## The slide's own choice

At the default address the slide chose **${auto.chosen}** and trained at ${fmt(auto.examplesPerSecond, 1)} examples/s; forced to the best backend above, ${auto.best}, in rounds alternating with it, the slide trained at ${fmt(auto.bestExamplesPerSecond, 1)}: **${fmt((100 * auto.examplesPerSecond!) / auto.bestExamplesPerSecond!, 0)}%** of it (target 90%). Its start-up, measurement included, is in the start-up table as "auto".
`;
}

/** The lab's three models in full (`--full` only). */
function modelsSection({ models }: BenchResults): string {
  if (!models) return '';
  return `## The lab's models

Each trained in full (60,000 images, all 10,000 test images) under Node, on one core of WebAssembly, by \`npm run bench -- --full\` (bench/model-training.ts):

| model | parameters | test accuracy after each epoch | time |
| --- | ---: | --- | ---: |
${models.map((m) => `| ${m.run} | ${fmt(m.parameters)} | ${m.epochs.map((e) => fmt(e.testAccuracy, 4)).join(', ')} | ${fmt(m.seconds, 0)} s |`).join('\n')}
`;
}

/** The Keras program's 5 epochs (`--full`), or how to run them. */
function fidelitySection({ fidelity }: BenchResults): string {
  return fidelity
    ? `## Fidelity\n\nThe full Keras program, 5 epochs over 60,000 images, on WebAssembly under Node: test accuracy ${fidelity.epochs.map((e) => fmt(e.testAccuracy, 4)).join(', ')} after each epoch; final **${fmt(fidelity.final, 4)}** against the Keras reference ${fidelity.reference} (${fidelity.reached ? 'reached' : 'not reached'}).\n`
    : '## Fidelity\n\nRun `npm run bench -- --full` for the 5-epoch run (recorded in the README: 0.9787 against 0.9785).\n';
}

/** Lighthouse's figures (`npm run bench -- --lighthouse`). */
function lighthouseSection(lh: LighthouseResults): string {
  const row = (t: LighthouseResults['targets'][number]) =>
    `| ${t.name} | **${fmt(t.median.performance, 2)}** | ${fmt(t.median.fcp / 1000, 2)} s | ${fmt(t.median.lcp / 1000, 2)} s | ${fmt(t.median.tbt, 0)} ms | ${fmt(t.median.cls, 3)} | ${fmt(t.median.bytes / 1024, 1)} KiB in ${t.median.requests} | ${t.runs.map((run) => fmt(run.performance, 2)).join(', ')} |`;
  return `## A phone's first visit

Lighthouse 13 with its mobile settings (a mid-range phone: 4× slower CPU, simulated slow 4G), three runs each, the median; measured by \`npm run bench -- --lighthouse\` on ${lh.date.slice(0, 10)}, on this machine's Chromium. Goals: performance ≥ 0.95, first contentful paint ≤ 1.8 s, total blocking time ≤ 200 ms, layout shift 0.

| page | performance | first contentful paint | largest contentful paint | total blocking time | layout shift | transferred | the three runs |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |
${lh.targets.map(row).join('\n')}
`;
}

/** Long tasks as the Long Tasks API reports them (only those over 50 ms): none, or how many and the longest. */
const longTasksText = (longest: number, over50: number) =>
  over50 === 0 ? '**none** over 50 ms' : `**${over50}** over 50 ms, the longest **${longest} ms**`;

/** The room's figures (`npm run bench -- --room`, and `--room --processes N`). */
function roomSection(room: RoomResults): string {
  const runs = room.fanOut?.runs ?? [];
  const d = room.digits?.result;
  const w = room.wall?.result;
  const p = room.poll?.result;
  const q = room.questions?.result;
  const scale = room.scale;
  const single = runs.find((x) => x.phones === scale?.result.phones);
  const scaleLines = scale
    ? `\n### Several relay processes\n\nMeasured by \`npm run bench -- --room --processes ${scale.result.processes}\` on ${scale.machine.date.slice(0, 10)}: ${fmt(scale.result.phones)} phones through nginx (deploy/) to ${scale.result.processes} relay processes sharing one redis-server, all on this machine, and 30 moves 200 ms apart. Goal: nothing lost, and p95 within twice one process's at the same number of phones${single ? ` (${single.p95} ms above, so ${2 * single.p95} ms)` : ''}.\n\n${roomScaleTable(scale).join('\n')}\n\nOn this machine's 2 cores, the phones' process (2,000 socket.io clients reading every move), nginx, Redis and both relays share two cores: the latency is mostly the clients' own reading, as the relays' CPU shows.\n`
    : '';
  const pollLine = p
    ? `\nA hall voting (bench/room-poll.ts): the projector presents a poll and ${fmt(p.phones)} phones change their votes ${fmt(p.sent / p.phones)} times each, ${fmt(p.sent)} votes, as fast as the protocol's limit per phone allows, the room's cap lifted: ${fmt(p.forwarded)} forwarded in ${p.seconds} s (${fmt(p.perSecond)} a second), ${p.refused} refused; the projector's counts **${p.exact ? 'exact' : 'not exact'}** (${p.counts.join(', ')} against ${p.expected.join(', ')}); its longest main-thread task while the votes arrived: **${p.longestTaskMs} ms**, ${p.tasksOver50} over 50 ms (goal: none).\n`
    : '';
  const refusedQuestions = q
    ? Object.entries(q.refused)
        .map(([event, n]) => `${fmt(n)} ${event}`)
        .join(', ') || 'nothing'
    : '';
  const questionsLine = q
    ? `\nThe room asks (bench/room-questions.ts): the presenter shows the questions slide with the speaker view open and publishes questions at once; ${fmt(q.phones)} phones each ask one question within ${q.askSeconds} s, then upvote ${q.upvotesPerPhone} questions each from the list they were sent (${fmt(q.upvotesSent)} upvotes) and say "I'm lost" once within ${q.upvoteSeconds} s (${q.seconds} s in all), the room's caps on questions, upvotes and lost marks ${q.capsLifted ? 'lifted' : 'at their defaults'} (each phone keeps the protocol's own limits). Questions kept **${fmt(q.received)} of ${fmt(q.asked)}**, ${fmt(q.publishedTotal)} in the last published state, ${fmt(q.answeredAskers)} askers answered; upvotes counted **${fmt(q.upvotesCounted)} of ${fmt(q.upvotesSent)}** (the published top 50 carry ${fmt(q.publishedVotes)}); lost marks shown ${fmt(q.lostShown)} of ${fmt(q.lostSent)}; refused: ${refusedQuestions}${q.presenterDropped > 0 ? `; the relay dropped ${fmt(q.presenterDropped)} of the presenter's messages over its limits` : ''}: **${q.exact ? 'exact' : 'not exact'}** (goal: nothing lost). Main-thread tasks while the room acted, in the presenter's window: ${longTasksText(q.longestTaskMs, q.tasksOver50)}; in the speaker view: ${longTasksText(q.speakerLongestTaskMs, q.speakerTasksOver50)} (goal: none over 50 ms). From an upvote to the first published state that counts it: p50 ${q.upvoteP50} ms, **p95 ${q.upvoteP95} ms** (goal: p95 ≤ 1 s; ${fmt(q.upvotesSeen)} of ${fmt(q.upvotesSent)} seen). Each phone was sent ${q.statesPerSecond} \`questions\` states a second, ${fmt(q.bytesPerPhonePerSecond / 1024, 1)} KiB a second as JSON (the largest ${fmt(q.largestStateBytes / 1024, 1)} KiB).\n`
    : '';
  const digitsLine = d
    ? `\nThe relay alone: ${d.phones} phones each send one digit within 10 s to a presenter that answers at once: ${d.replied} of ${d.sent} answered, ${d.refused} refused; from send to answer p50 ${d.p50} ms, p95 ${d.p95} ms.\n`
    : '';
  const wallLine = w
    ? `\nThe real projector (bench/room-wall.ts): the deck in Chromium trains the live slide briefly on WebAssembly, then ${w.phones} phones each send one digit within 10 s to "Your digits": **${w.answered} of ${w.sent}** classified and answered, ${w.refused} refused; from send to answer p50 ${w.p50} ms, **p95 ${w.p95} ms** (goal: none lost, p95 ≤ 1 s); the projector's longest main-thread task while the wall filled: **${w.longestTaskMs} ms**, ${w.tasksOver50} task(s) over 50 ms (goal: none).\n`
    : '';
  const machine = room.fanOut?.machine;
  return `## The room

Measured by \`npm run bench -- --room\` on ${(machine?.date ?? room.digits?.machine.date ?? '').slice(0, 10)} (${machine?.cpus ?? ''}; load average ${machine?.loadAverage ?? '–'}): simulated phones (socket.io-client in Node, WebSocket, on loopback) join one room of a relay running in its own process, and the presenter makes 30 moves, 200 ms apart. Goal: nothing lost, and p95 ≤ 100 ms at 1,000 phones.

| phones | moves received | lost | p50 | p95 | p99 | relay heap per phone | relay CPU during the moves |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${runs.map((x) => `| ${fmt(x.phones)} | ${fmt(x.received)} / ${fmt(x.expected)} | ${x.lost} | ${x.p50} ms | ${x.p95} ms | ${x.p99} ms | ${x.heapPerPhoneKiB} KiB | ${x.cpuPercent} % |`).join('\n')}
${digitsLine}${pollLine}${questionsLine}${scaleLines}${wallLine}
`;
}
