/**
 * The runs panel of the live slide: the next run's settings, one compact
 * choice each (change one thing, press Train), and the legend of the runs on
 * the charts, numbered, with what each changed and its final test accuracy;
 * an earlier run can be removed. Sends actions; draws a state.
 */
import { select } from 'd3-selection';
import {
  BATCHES,
  encodeRuns,
  EPOCHS,
  LEARNING_RATES,
  MODELS,
  OPTIMIZERS,
  runsLink,
  specOf,
  TRAIN_SIZES,
  modelKey,
  optimizerKey,
  whatChanged,
  type SpecChange,
} from './runs.ts';
import { percent } from '../../lib/format.ts';
import { lastTestAccuracy, type LiveAction, type LiveState } from './state.ts';

const number = new Intl.NumberFormat('en');

interface Field {
  field: SpecChange['field'];
  label: string;
  options: { value: string; text: string }[];
  current(s: LiveState): string;
}

const FIELDS: Field[] = [
  {
    field: 'model',
    label: 'Model',
    options: Object.entries(MODELS).map(([value, m]) => ({ value, text: m.label })),
    current: (s) => modelKey(s.next.model) ?? '',
  },
  {
    field: 'optimizer',
    label: 'Optimizer',
    options: Object.entries(OPTIMIZERS).map(([value, o]) => ({ value, text: o.label })),
    current: (s) => optimizerKey(s.next.optimizer) ?? '',
  },
  {
    field: 'learningRate',
    label: 'Learning rate',
    options: LEARNING_RATES.map((v) => ({ value: String(v), text: String(v) })),
    current: (s) => String(s.next.learningRate),
  },
  {
    field: 'batchSize',
    label: 'Batch',
    options: BATCHES.map((v) => ({ value: String(v), text: String(v) })),
    current: (s) => String(s.next.batchSize),
  },
  {
    field: 'trainSize',
    label: 'Images',
    options: TRAIN_SIZES.map((v) => ({ value: String(v), text: number.format(v) })),
    current: (s) => String(s.next.trainSize),
  },
  {
    field: 'epochs',
    label: 'Epochs',
    options: EPOCHS.map((v) => ({ value: String(v), text: String(v) })),
    current: (s) => String(s.next.epochs),
  },
];

function changeOf(field: SpecChange['field'], value: string): SpecChange {
  if (field === 'model') return { field, value: value as keyof typeof MODELS };
  if (field === 'optimizer') return { field, value: value as keyof typeof OPTIMIZERS };
  return { field, value: Number(value) };
}

let panels = 0;

export function createPanel(parent: HTMLElement, dispatch: (action: LiveAction) => void): (s: LiveState) => void {
  const panel = select(parent).append('div').attr('class', 'live-panel');
  // The next run's settings open over the slide, so that the row they leave
  // behind holds one line: what the next run changes, and the runs on the charts.
  const popoverId = `live-next-${++panels}`;
  const open = panel
    .append('button')
    .attr('type', 'button')
    .attr('class', 'panel-open')
    .attr('popovertarget', popoverId)
    .attr('aria-haspopup', 'dialog')
    .attr('title', 'Change the next run: model, optimizer, learning rate, batch, images, epochs');
  open.append('span').attr('class', 'panel-title').text('Next:');
  const summary = open.append('span').attr('class', 'panel-summary');
  open.append('span').attr('aria-hidden', 'true').text(' ▾');
  const form = panel
    .append('div')
    .attr('class', 'panel-next')
    .attr('id', popoverId)
    .attr('popover', '')
    .attr('role', 'dialog')
    .attr('aria-label', 'The next run');
  form.append('p').attr('class', 'panel-heading').text('The next run: change one thing, then press Train (T)');
  const fields = form.append('div').attr('class', 'panel-fields');
  const selects = FIELDS.map((f) => {
    const label = fields.append('label').attr('class', 'panel-field');
    label.append('span').text(f.label);
    const select = label
      .append('select')
      .attr('data-field', f.field)
      .on('change', function () {
        dispatch({ type: 'set', change: changeOf(f.field, (this as HTMLSelectElement).value) });
      });
    select
      .selectAll('option')
      .data(f.options)
      .join('option')
      .attr('value', (o) => o.value)
      .text((o) => o.text);
    return { f, select };
  });
  // A link that opens these runs again, to prepare a comparison or to share one; the address bar itself is never rewritten (a rehearsal must not change the lecture).
  const share = form.append('p').attr('class', 'panel-share');
  const link = share.append('a').attr('class', 'panel-link').text('Link to these runs');
  share.append('span').text(' (copy it to open this comparison again)');
  form
    .append('button')
    .attr('type', 'button')
    .attr('class', 'panel-done')
    .attr('popovertarget', popoverId)
    .attr('popovertargetaction', 'hide')
    .text('Done');
  const legend = panel.append('ol').attr('class', 'panel-runs').attr('aria-label', 'Runs on the charts');

  return (s) => {
    summary.text(whatChanged(s.next, s.base));
    const specs = [...s.history.map((r) => r.spec), ...(s.run ? [specOf(s.config)] : []), ...s.pending];
    link
      .attr('href', specs.length > 0 ? runsLink(location.href, encodeRuns(specs, s.base)) : null)
      .attr('aria-disabled', specs.length > 0 ? null : 'true');
    for (const { f, select } of selects) {
      const value = f.current(s);
      // A value the panel does not offer (a run from a link) shows as itself.
      select
        .selectAll<HTMLOptionElement, string>('option.custom')
        .data(value && !f.options.some((o) => o.value === value) ? [value] : [])
        .join('option')
        .attr('class', 'custom')
        .attr('value', (v) => v)
        .text((v) => v);
      select.property('value', value);
    }
    const runs = [
      ...s.history.map((r, i) => ({ id: r.id, number: i + 1, label: r.label, result: r.testAccuracy, past: true })),
      ...(s.run
        ? [{ id: s.run, number: s.history.length + 1, label: whatChanged(s.config, s.base), result: lastTestAccuracy(s), past: false }]
        : []),
    ];
    const item = legend
      .selectAll<HTMLLIElement, (typeof runs)[number]>('li')
      .data(runs, (r) => r.id)
      .join((enter) => {
        const li = enter.append('li');
        li.append('span').attr('class', 'run-number');
        li.append('span').attr('class', 'run-label');
        li.append('span').attr('class', 'run-result');
        li.append('button').attr('type', 'button').attr('class', 'run-remove').text('✕');
        return li;
      })
      .attr('class', (r) => (r.past ? 'past' : 'current'))
      .attr('data-run', (r) => r.id);
    item.select('.run-number').text((r) => r.number);
    item.select('.run-label').text((r) => r.label);
    item.select('.run-result').text((r) => (r.result === undefined ? '' : percent(r.result)));
    item
      .select('.run-remove')
      .attr('hidden', (r) => (r.past ? null : ''))
      .attr('aria-label', (r) => `Remove run ${r.number} (${r.label}) from the charts`)
      .on('click', (_, r) => dispatch({ type: 'remove', run: r.id }));
  };
}
