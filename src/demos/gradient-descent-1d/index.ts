/**
 * "Gradient descent on one parameter": pick a learning rate by name, step
 * with the clicker (the slide's fragments), play with A, drag the point to
 * start elsewhere. The state lives in the URL (?gd1=…) so a link reproduces it.
 */
import katex from 'katex';
import { pointer, select } from 'd3-selection';
import type { MountDemo } from '../../deck/demo.ts';
import { button, choice } from './controls.ts';
import { CURVES, decodeState, descend1d, encodeState, PRESETS, type PresetName } from './model.ts';
import './gradient-descent.css';
import { createView1d, fmt } from './view1d.ts';

const PARAM = 'gd1';
const MAX_STEPS = 60;

export const mount: MountDemo = ({ root, stage, query, steps, print, reducedMotion, bindKey, signal }) => {
  const saved = decodeState(query.get(PARAM));
  const state = {
    curve: saved.curve === 'two-valleys' ? CURVES['two-valleys'] : CURVES.valley,
    eta: Number(saved.eta) > 0 ? Number(saved.eta) : PRESETS.good.eta,
    w0: Number.isFinite(Number(saved.w0)) && saved.w0 !== undefined ? Number(saved.w0) : CURVES.valley.start,
    step: Math.max(0, Math.min(MAX_STEPS, Number(saved.step) || 0)),
  };
  const fromUrl = saved.step !== undefined;
  let firstStep = true;

  const box = select(stage).append('div').attr('class', 'gd gd1');
  const view = createView1d(box.node()!);
  const formula = box.append('div').attr('class', 'gd-formula').attr('aria-live', 'polite');
  const bar = box.append('div').attr('class', 'gd-controls');
  const setPreset = choice<PresetName>(
    bar,
    'Learning rate',
    (Object.keys(PRESETS) as PresetName[]).map((p) => ({ value: p, text: `${PRESETS[p].label} (η = ${PRESETS[p].eta})` })),
    (p) => change({ eta: PRESETS[p].eta, step: 0 }),
  );
  const setCurve = choice(
    bar,
    'Curve',
    Object.values(CURVES).map((c) => ({ value: c.id, text: c.name })),
    (id) => change({ curve: CURVES[id as keyof typeof CURVES], w0: CURVES[id as keyof typeof CURVES].start, step: 0 }),
  );
  const actions = bar;
  button(actions, 'Step', () => change({ step: Math.min(MAX_STEPS, state.step + 1) }, true), 'gd-step-button');
  const play = button(actions, 'Play', () => toggle(), 'gd-play');
  button(actions, 'Reset', () => change({ step: 0 }));

  let timer: ReturnType<typeof setInterval> | undefined;
  let diverged = false;

  function render(animate: boolean) {
    const run = descend1d(state.curve, state.w0, state.eta, state.step);
    diverged = run.diverged;
    view.draw({ curve: state.curve, eta: state.eta, iterates: run.iterates, diverged: run.diverged }, animate && !reducedMotion);
    const c = run.iterates.at(-1)!;
    const next = c.w - state.eta * c.gradient;
    katex.render(
      `w_{${c.step + 1}} \\;=\\; w_{${c.step}} - \\eta\\,\\frac{dL}{dw} \\;=\\; ${tex(c.w)} - ${tex(state.eta)} \\times (${tex(c.gradient)}) \\;=\\; ${tex(next)}`,
      formula.node()!,
      { throwOnError: false, output: 'htmlAndMathml' },
    );
    setPreset((Object.keys(PRESETS) as PresetName[]).find((p) => PRESETS[p].eta === state.eta) ?? '');
    setCurve(state.curve.id);
    Object.assign(root.dataset, { step: String(c.step), w: c.w.toFixed(4), loss: c.loss.toFixed(4), eta: String(state.eta), diverged: String(run.diverged) });
    play.text(timer ? 'Pause' : 'Play').attr('aria-pressed', String(Boolean(timer)));
    if (!print) {
      const url = new URL(location.href);
      url.searchParams.set(PARAM, encodeState({ curve: state.curve.id, eta: state.eta, w0: state.w0, step: state.step }));
      history.replaceState(history.state, '', url);
    }
  }

  function change(next: Partial<typeof state>, animate = false) {
    Object.assign(state, next);
    if (next.step === 0 || next.eta !== undefined || next.curve) stop();
    render(animate);
  }

  function toggle() {
    if (timer) stop();
    else {
      timer = setInterval(() => {
        const c = descend1d(state.curve, state.w0, state.eta, state.step).iterates.at(-1)!;
        if (diverged || state.step >= MAX_STEPS || Math.abs(c.gradient) < 1e-4) return stop();
        change({ step: state.step + 1 }, true);
      }, reducedMotion ? 700 : 1100);
    }
    render(false);
  }

  function stop() {
    if (timer) clearInterval(timer);
    timer = undefined;
  }

  // Drag (or tap) on the chart to choose where descent starts.
  view.svg.on('pointerdown', (event: PointerEvent) => {
    const [mx] = pointer(event, view.svg.node());
    const w = view.x.invert(mx);
    if (w < state.curve.domain[0] || w > state.curve.domain[1]) return;
    change({ w0: w, step: 0 });
  });
  signal.addEventListener('abort', stop);
  bindKey('A', 'Animate: play or pause the gradient-descent figure', () => toggle());

  if (print) state.step = Math.max(state.step, steps || 4);
  render(false);
  return {
    step: (shown) => {
      // A link's state wins over the clicker position it was taken at (the first call on arrival).
      const arriving = firstStep;
      firstStep = false;
      if (print || (fromUrl && arriving)) return;
      change({ step: shown }, true);
    },
    hide: stop,
    dispose: stop,
  };
};

function tex(v: number): string {
  return fmt(v).replace(/e\+?(-?\d+)/, '\\times 10^{$1}');
}

