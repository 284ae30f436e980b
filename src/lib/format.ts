/**
 * How the deck writes numbers, durations and counts in prose: one place, so
 * that every slide, chart and progress line says "60,000 images", "97.9%"
 * and "1:05" the same way. Pure; used by the training code, the demos and
 * the bench alike.
 */

/** Whole numbers with thousands separators, as the lecture prints them: 60,000. */
export const wholeNumber = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });

/** Numbers with thousands separators and the fraction they have: 1,234.5. */
export const number = new Intl.NumberFormat('en');

/** "1 epoch", "5 epochs", "60,000 training images": a count with its noun, singular or plural. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${number.format(n)} ${n === 1 ? noun : plural}`;
}

/** 0.9787 → "97.9%"; undefined → "–". */
export function percent(value: number | undefined, digits = 1): string {
  return value === undefined ? '–' : `${(value * 100).toFixed(digits)}%`;
}

/** "1:05", "12:30", "1:02:03": a duration for a progress line; "–" when unknown. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${r}` : `${m}:${r}`;
}
