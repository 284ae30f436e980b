/**
 * What the live slide says in words: the progress line under the bar, and
 * the sentence a screen reader hears. Pure functions of the state
 * (state.ts), apart from it so that the reducer stays only a reducer.
 */
import { count, formatDuration, number, percent } from '../../lib/format.ts';
import { stepsPerEpoch } from '../../train/model/spec.ts';
import { lastTestAccuracy, recentLoss, secondsLeft, type LiveState } from './state.ts';

/** The progress line under the bar. */
export function progressLine(s: LiveState): string {
  if (s.state === 'queued') return 'Waiting: another demo’s run is training in this page; this one starts when it is done.';
  if (s.state === 'idle')
    return `Ready: ${count(s.config.trainSize, 'training image')}, ${count(s.config.epochs, 'epoch')} of ${count(stepsPerEpoch(s.config), 'batch', 'batches')} of ${s.config.batchSize}.`;
  if (s.state === 'loading' && s.steps.length === 0) {
    const d = s.data;
    return d
      ? `Loading the ${d.split === 'train' ? 'training' : 'test'} images: ${(d.loadedBytes / 1e6).toFixed(1)} of ${(d.totalBytes / 1e6).toFixed(1)} MB`
      : 'Loading the training images…';
  }
  const parts = [
    `Epoch ${Math.max(1, s.epoch)} of ${s.config.epochs}`,
    `batch ${s.stepInEpoch} of ${stepsPerEpoch(s.config)}`,
    `${number.format(Math.round(s.examplesPerSecond))} examples/s`,
  ];
  if (s.state === 'done') {
    const took = s.seconds === undefined ? '' : ` in ${formatDuration(s.seconds)}`;
    return `Done: ${count(s.config.epochs, 'epoch')}, ${count(s.steps.at(-1) ?? 0, 'step')}${took}. Test accuracy ${percent(lastTestAccuracy(s))}.`;
  }
  parts.push(`${formatDuration(secondsLeft(s))} left`);
  return parts.join(' · ') + (s.state === 'paused' ? ' · paused' : '');
}

/** The sentence a screen reader hears, at most every few seconds. */
export function announcement(s: LiveState): string {
  const test = lastTestAccuracy(s);
  const loss = recentLoss(s);
  switch (s.state) {
    case 'idle':
      return 'Training is ready to start.';
    case 'queued':
      return 'Waiting for another run to finish.';
    case 'loading':
      return 'Loading the MNIST images.';
    case 'error':
      return `Training stopped: ${s.error?.message ?? 'an error'}`;
    case 'done':
      return `Training done after ${count(s.config.epochs, 'epoch')}: test accuracy ${percent(test)}.`;
    default:
      return [
        `epoch ${Math.max(1, s.epoch)} of ${s.config.epochs}`,
        loss === undefined ? undefined : `loss ${loss.toFixed(2)}`,
        test === undefined ? undefined : `test accuracy ${percent(test, 0)}`,
        s.state === 'paused' ? 'paused' : undefined,
      ]
        .filter(Boolean)
        .join(', ');
  }
}
