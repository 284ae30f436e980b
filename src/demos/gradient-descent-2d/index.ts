/**
 * "Gradient descent on two parameters": full-batch and mini-batch stochastic
 * gradient descent on a small regression problem (seeded), side by side on
 * the contour lines of its loss. Learning rate, batch size, momentum; step
 * with the clicker, play with A, tap the plot to start elsewhere. State in
 * the URL (?gd2=…).
 */
import { pointer, select } from 'd3-selection';
import type { MountDemo } from '../../deck/demo.ts';
import { button, choice } from './controls.ts';
import { decodeState, descend2d, encodeState, makeRegressionData } from './model.ts';
import './gradient-descent.css';
import { createView2d, EXTENT } from './view2d.ts';

const PARAM = 'gd2';
const DATA_SEED = 7;
const MAX_STEPS = 200;

export const mount: MountDemo = ({ root, stage, query, steps, print, reducedMotion, bindKey, signal }) => {
  const data = makeRegressionData(DATA_SEED);
  const n = data.x.length;
  const saved = decodeState(query.get(PARAM));
  const num = (v: string | undefined, fallback: number) => (v !== undefined && Number.isFinite(Number(v)) ? Number(v) : fallback);
  const state = {
    eta: num(saved.eta, 0.15),
    batchSize: Math.round(num(saved.bs, 8)),
    momentum: num(saved.mom, 0),
    w0: num(saved.w0, -1.8),
    b0: num(saved.b0, 2.2),
    seed: Math.round(num(saved.seed, 1)),
    step: Math.max(0, Math.min(MAX_STEPS, Math.round(num(saved.step, 0)))),
  };
  const fromUrl = saved.step !== undefined;
  let firstStep = true;

  const box = select(stage).append('div').attr('class', 'gd gd2');
  const view = createView2d(box.node()!, data);
  const bar = box.append('div').attr('class', 'gd-controls');
  const rate = bar.append('label').attr('class', 'gd-rate');
  rate.append('span').text('Learning rate η ');
  const slider = rate
    .append('input')
    .attr('type', 'range')
    .attr('min', 0.01)
    .attr('max', 0.6)
    .attr('step', 0.01)
    .on('input', function () {
      change({ eta: Number((this as HTMLInputElement).value), step: 0 });
    });
  const rateValue = rate.append('output');
  const setBatch = choice(
    bar,
    'Batch',
    [1, 4, 8, 16, n].map((b) => ({ value: String(b), text: b === n ? `all ${n}` : String(b) })),
    (b) => change({ batchSize: Number(b), step: 0 }),
  );
  const setMomentum = choice(
    bar,
    'Momentum',
    [
      { value: '0', text: 'off' },
      { value: '0.8', text: '0.8' },
    ],
    (m) => change({ momentum: Number(m), step: 0 }),
  );
  const actions = box.append('div').attr('class', 'gd-controls');
  button(actions, 'Step', () => change({ step: Math.min(MAX_STEPS, state.step + 1) }));
  const play = button(actions, 'Play', () => toggle(), 'gd-play');
  button(actions, 'Reset', () => change({ step: 0 }));
  button(actions, 'New mini-batches', () => change({ seed: state.seed + 1, step: 0 }));

  let timer: ReturnType<typeof setInterval> | undefined;
  let diverged = false;

  function render() {
    const common = { start: [state.w0, state.b0] as [number, number], eta: state.eta, momentum: state.momentum, steps: state.step, seed: state.seed };
    const full = descend2d(data, { ...common, batchSize: n });
    const sgd = descend2d(data, { ...common, batchSize: state.batchSize });
    diverged = full.diverged || sgd.diverged;
    view.draw({ full: full.path, sgd: sgd.path, diverged, batchSize: state.batchSize, n });
    slider.property('value', state.eta);
    rateValue.text(state.eta.toFixed(2));
    setBatch(String(state.batchSize));
    setMomentum(String(state.momentum));
    const last = sgd.path.at(-1)!;
    Object.assign(root.dataset, { step: String(last.step), w: last.w.toFixed(4), b: last.b.toFixed(4), loss: last.loss.toFixed(4), diverged: String(diverged) });
    play.text(timer ? 'Pause' : 'Play').attr('aria-pressed', String(Boolean(timer)));
    if (!print) {
      const url = new URL(location.href);
      url.searchParams.set(PARAM, encodeState({ eta: state.eta, bs: state.batchSize, mom: state.momentum, w0: state.w0, b0: state.b0, seed: state.seed, step: state.step }));
      history.replaceState(history.state, '', url);
    }
  }

  function change(next: Partial<typeof state>) {
    Object.assign(state, next);
    if (next.step === 0) stop();
    render();
  }

  function toggle() {
    if (timer) stop();
    else {
      timer = setInterval(() => {
        if (diverged || state.step >= MAX_STEPS) return stop();
        change({ step: state.step + 1 });
      }, reducedMotion ? 400 : 250);
    }
    render();
  }

  function stop() {
    if (timer) clearInterval(timer);
    timer = undefined;
  }

  view.svg.on('pointerdown', (event: PointerEvent) => {
    const [mx, my] = pointer(event, view.svg.node());
    const w = view.x.invert(mx);
    const b = view.y.invert(my);
    if (w < EXTENT.w[0] || w > EXTENT.w[1] || b < EXTENT.b[0] || b > EXTENT.b[1]) return;
    change({ w0: w, b0: b, step: 0 });
  });
  signal.addEventListener('abort', stop);
  bindKey('A', 'Animate: play or pause the gradient-descent figure', () => toggle());

  if (print) state.step = Math.max(state.step, (steps || 4) * 3);
  render();
  return {
    step: (shown) => {
      // A link's state wins over the clicker position it was taken at (the first call on arrival).
      const arriving = firstStep;
      firstStep = false;
      if (print || (fromUrl && arriving)) return;
      change({ step: shown * 3 });
    },
    hide: stop,
    dispose: stop,
  };
};
