/**
 * Drawing the "explore the data" figure: shapes, a grid of training digits,
 * one digit with its pixel values, and the reshape to 784 values scaled to
 * [0, 1]; in the "digits" mode only the grid of digits with their labels;
 * or the download's progress, or its error with a retry button. Draws a
 * state; loads nothing.
 */
import { demoStyles } from '../../contract/styles.ts';
import { select } from 'd3-selection';
import type { DemoView, ViewContext } from '../../contract/demo.ts';
import { IMAGE_BYTES } from '../../mnist/format.ts';
import { paintDigit } from '../shared/digits.ts';
import exploreCss from './explore.css?url';
import { GRID, INDEX, type ExploreAction, type ExploreData, type ExploreState } from './model.ts';

void demoStyles(exploreCss);

/** The window of pixel values shown as numbers: large enough to read from the back row, small enough to fit. */
export const WINDOW = { rows: 9, cols: 12 };

/** The top-left corner of the window that holds the most ink, so that the numbers show a stroke, not background. */
export function inkiestWindow(digit: Uint8Array): { row: number; col: number } {
  let best = { row: 0, col: 0, ink: -1 };
  for (let row = 0; row + WINDOW.rows <= 28; row++) {
    for (let col = 0; col + WINDOW.cols <= 28; col++) {
      let ink = 0;
      for (let r = row; r < row + WINDOW.rows; r++) for (let c = col; c < col + WINDOW.cols; c++) ink += digit[r * 28 + c]!;
      if (ink > best.ink) best = { row, col, ink };
    }
  }
  return { row: best.row, col: best.col };
}

/** The values inside the window, row after row. */
export function windowValues(digit: Uint8Array, at: { row: number; col: number }): number[] {
  const values: number[] = [];
  for (let r = at.row; r < at.row + WINDOW.rows; r++) for (let c = at.col; c < at.col + WINDOW.cols; c++) values.push(digit[r * 28 + c]!);
  return values;
}

export function createView({ root: figure, stage, dispatch }: ViewContext<unknown, ExploreAction>): DemoView<ExploreState> {
  const gridSize = GRID;
  const root = select(stage).append('div').attr('class', 'mnist-explore');
  const status = root.append('div').attr('class', 'mnist-status').attr('role', 'status');
  const body = root.append('div').attr('class', 'mnist-body').attr('hidden', '');

  const left = body.append('div').attr('class', 'mnist-left');
  const shapes = left.append('pre').attr('class', 'mnist-shapes');
  const grid = left
    .append('div')
    .attr('class', 'mnist-grid')
    .attr('role', 'list')
    .attr('aria-label', `The first ${gridSize} training images with their labels`);

  const right = body.append('div').attr('class', 'mnist-right');
  const one = right.append('div').attr('class', 'mnist-one');
  const frame = one.append('div').attr('class', 'mnist-frame');
  const big = frame.append('canvas').attr('class', 'mnist-big').attr('role', 'img');
  // Where the values beside it come from: a window of the image, outlined on it.
  const mark = frame.append('div').attr('class', 'mnist-window').attr('aria-hidden', 'true');
  const pixels = one.append('div').attr('class', 'mnist-pixels').attr('aria-hidden', 'true');
  const reshape = right.append('div').attr('class', 'mnist-reshape');

  let shown: ExploreData | undefined;
  function showData(data: ExploreData, mode: ExploreState['mode']): void {
    if (data === shown) return;
    shown = data;
    // In the "digits" mode no digit is singled out: the grid is the whole figure.
    const index = mode === 'digits' ? -1 : INDEX;
    if (mode === 'digits') grid.attr('aria-label', `The first ${gridSize} training images of MNIST, each with its label`);
    status.attr('hidden', '').text('');
    body.attr('hidden', null);
    shapes.text(
      [
        `train_images.shape  (${data.counts.train}, 28, 28)`,
        `test_images.shape   (${data.counts.test}, 28, 28)`,
        `train_labels[:5]    [${[...data.labels.subarray(0, 5)].join(', ')}]`,
      ].join('\n'),
    );
    const cells = grid
      .selectAll<HTMLDivElement, number>('div')
      .data(Array.from({ length: Math.min(gridSize, data.labels.length) }, (_, i) => i))
      .join('div')
      .attr('class', (i) => (i === index ? 'mnist-cell chosen' : 'mnist-cell'))
      .attr('role', 'listitem');
    cells
      .selectAll('canvas')
      .data((i) => [i])
      .join('canvas')
      .each(function (i) {
        paintDigit(this as HTMLCanvasElement, data.images.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES));
      })
      .attr('aria-hidden', 'true');
    cells
      .selectAll('span')
      .data((i) => [i])
      .join('span')
      .attr('class', 'mnist-label')
      .attr('data-label', (i) => data.labels[i]!)
      .text((i) => String(data.labels[i]));
    if (mode === 'digits') return;

    const digit = data.images.subarray(index * IMAGE_BYTES, (index + 1) * IMAGE_BYTES);
    paintDigit(big.node()!, digit);
    big.attr('aria-label', `Training image ${index}, labelled ${data.labels[index]}, drawn 28 by 28 pixels`);
    one
      .selectAll('.mnist-caption')
      .data([0])
      .join('p')
      .attr('class', 'mnist-caption')
      .text(`train_images[${index}]: a ${data.labels[index]}, 28 × 28 values from 0 to 255`);
    // All 784 values do not fit at a size the back row reads: show a window of them, where the stroke is.
    const at = inkiestWindow(digit);
    mark
      .style('left', `${(at.col / 28) * 100}%`)
      .style('top', `${(at.row / 28) * 100}%`)
      .style('width', `${(WINDOW.cols / 28) * 100}%`)
      .style('height', `${(WINDOW.rows / 28) * 100}%`);
    pixels.attr('data-window', `${at.row},${at.col}`);
    pixels
      .selectAll<HTMLSpanElement, number>('span')
      .data(windowValues(digit, at))
      .join('span')
      // No mid-greys behind the numbers, so that light or dark text always has contrast.
      .attr('class', (v) => (v >= 128 ? 'ink' : v > 0 ? 'grey' : null))
      .style('--v', (v) => String(v >= 128 ? 0.72 + (0.28 * (v - 128)) / 127 : (0.3 * v) / 127))
      .text((v) => v);
    one
      .selectAll('.mnist-window-caption')
      .data([0])
      .join('p')
      .attr('class', 'mnist-window-caption')
      .text(`rows ${at.row}–${at.row + WINDOW.rows - 1}, columns ${at.col}–${at.col + WINDOW.cols - 1} of 28 × 28`);

    // The same 784 values in one row, then divided by 255.
    const firstInk = digit.findIndex((v) => v > 0);
    const sample = Array.from(digit.subarray(firstInk, firstInk + 6));
    reshape.html('');
    const strip = reshape.append('div').attr('class', 'mnist-step mnist-step-1');
    strip.append('p').html(`<code>.reshape((60000, 784))</code>: row after row, one vector of <strong>784</strong> values`);
    const stripCanvas = strip.append('canvas').attr('class', 'mnist-strip').attr('aria-hidden', 'true');
    const c = stripCanvas.node()!;
    c.width = IMAGE_BYTES;
    c.height = 1;
    const ctx = c.getContext('2d');
    if (ctx) {
      const row = ctx.createImageData(IMAGE_BYTES, 1);
      digit.forEach((v, i) => row.data.set([255 - v, 255 - v, 255 - v, 255], i * 4));
      ctx.putImageData(row, 0, 0);
    }
    const scaled = reshape.append('div').attr('class', 'mnist-step mnist-step-2');
    scaled.append('p').html(`<code>.astype('float32') / 255</code>: every value now in [0, 1]`);
    scaled
      .append('pre')
      .attr('class', 'mnist-values')
      .text(`[${firstInk} zeros…, ${sample.map((v) => (v / 255).toFixed(3)).join(', ')}, …]   shape (784,)`);
  }

  function showProgress(fraction: number, text: string): void {
    body.attr('hidden', '');
    status.attr('hidden', null).attr('role', 'status').html('');
    status.append('p').text(text);
    status.append('progress').attr('max', 1).attr('value', fraction);
  }

  function showError(message: string): void {
    body.attr('hidden', '');
    status.attr('hidden', null).attr('role', 'alert').html('');
    status.append('p').attr('class', 'mnist-error').text(message);
    status
      .append('button')
      .attr('type', 'button')
      .text('Try again')
      .on('click', () => dispatch({ type: 'retry' }));
  }

  return {
    render(state) {
      root.attr('data-step', String(state.step)).attr('data-mode', state.mode);
      figure.dataset.state = state.status;
      if (state.status === 'ready' && state.data) showData(state.data, state.mode);
      else if (state.status === 'error') showError(state.error ?? 'The MNIST data could not be loaded.');
      else showProgress(state.progress.fraction, state.progress.text);
    },
  };
}
