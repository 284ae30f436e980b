/**
 * "Your digits": on the projector, the wall of the room's digits, newest
 * first, each with the network's guess, right or wrong told by a mark (✓ or
 * ✗) and a border (solid or dashed) as well as by colour (the deck's blue
 * and orange, which colour-blind eyes tell apart); beside it the room's
 * accuracy next to MNIST's test accuracy, and after "Train with your
 * digits" the held-out half's accuracy before and after. The wall is whole
 * rows, WALL_COLUMNS × WALL_ROWS places, never a box to scroll: when more
 * digits have arrived, the last place says how many more. An empty wall
 * invites the room to draw.
 *
 * The projector speaks to the room: it draws no button and names no key.
 * The presenter's controls are in the speaker view (a mirror, role
 * "mirror"), whose clicks the deck sends to the projector: Train briefly,
 * Train with your digits and Clear the wall (also T, Y and C in either
 * window), a Hide button on each digit, and why the last key did nothing.
 * A hidden digit is blanked on the projector and greyed in the speaker
 * view, where the presenter can show it again.
 *
 * On a phone: the drawing pad (../shared/draw-pad.ts), "I drew a …" with
 * ten buttons, Send, the network's ten probabilities for this phone's last
 * digit, what the relay refused, and the room's latest digits.
 *
 * Draws a state and reports its figures on the figure as data-count,
 * data-room-accuracy, data-test-accuracy, data-heldout-before and
 * data-heldout-after; computes nothing.
 */
import { demoStyles } from '../../contract/styles.ts';
import { select, type Selection } from 'd3-selection';
import type { DemoView, ViewContext } from '../../contract/demo.ts';
import { percent } from '../../lib/format.ts';
import { button } from '../shared/controls.ts';
import { paintDigit } from '../shared/digits.ts';
import { createDrawPad } from '../shared/draw-pad.ts';
import figureCss from '../shared/figure.css?url';
import { singleRunState } from '../shared/trained-run.ts';
import {
  aDigit,
  announcement,
  decodePixels,
  figures,
  fineTuneBlocked,
  wallOf,
  wallWindow,
  type RoomDigitsAction,
  type RoomDigitsState,
  type WallEntry,
} from './model.ts';
import roomDigitsCss from './room-digits.css?url';

void demoStyles(figureCss, roomDigitsCss);

const DIGITS = Array.from({ length: 10 }, (_, i) => i);

/**
 * The projector's wall: this many columns (room-digits.css reads them as
 * --rd-columns) and rows of tiles, which fit the 1280 × 720 canvas below
 * the line and above the legend, in the speaker view too.
 */
export const WALL_COLUMNS = 10;
export const WALL_ROWS = 3;

/** A digit's guess under it: the guess and a mark, or why there is none. */
function guessText(e: WallEntry): string {
  if (e.guess === undefined) return e.status === 'waiting' ? '…' : '?';
  return e.guess === e.label ? `${e.guess} ✓` : `${e.guess} ✗`;
}

function outcome(e: WallEntry): 'right' | 'wrong' | 'pending' {
  return e.guess === undefined ? 'pending' : e.guess === e.label ? 'right' : 'wrong';
}

function describe(e: WallEntry): string {
  if (e.hidden) return `Digit ${e.id}, hidden by the presenter`;
  const what = aDigit(e.label).replace(/^a/, 'A');
  if (e.guess === undefined) return `${what}, ${e.status === 'waiting' ? 'being read' : 'not classified yet'}`;
  return e.guess === e.label ? `${what}, read correctly` : `${what}, read as ${e.guess}: wrong`;
}

/**
 * Draws wall entries as tiles into a list, newest first, at most `tiles` of
 * them (the last place then says how many more); paints each digit once,
 * when its tile appears (a wall of 500 is not repainted per arrival).
 */
function drawWall(
  list: Selection<HTMLOListElement, unknown, null, undefined>,
  entries: readonly WallEntry[],
  options: { hideButtons: boolean; blankHidden: boolean; tiles?: number; dispatch?: (action: RoomDigitsAction) => void },
): void {
  const { shown, more } = wallWindow(entries, options.tiles ?? Infinity);
  const tiles = list
    .selectAll<HTMLLIElement, WallEntry>('li.rd-digit')
    .data(shown, (e) => String(e.id))
    .join((enter) => {
      const li = enter.append('li').attr('class', 'rd-digit');
      li.append('canvas').attr('aria-hidden', 'true');
      li.append('span').attr('class', 'rd-guess');
      li.append('button').attr('type', 'button').attr('class', 'rd-hide');
      li.each(function (e) {
        paintDigit(this.querySelector('canvas')!, decodePixels(e.pixels));
      });
      return li;
    });
  tiles
    .attr('class', (e) => (e.hidden ? `rd-digit hidden${options.blankHidden ? ' blank' : ''}` : `rd-digit ${outcome(e)}`))
    .attr('data-id', (e) => e.id)
    .attr('data-label', (e) => e.label)
    .attr('data-guess', (e) => (e.guess === undefined ? null : e.guess))
    .attr('aria-label', describe);
  tiles.select('.rd-guess').text((e) => (e.hidden ? 'hidden' : guessText(e)));
  tiles
    .select<HTMLButtonElement>('.rd-hide')
    .attr('hidden', options.hideButtons ? null : '')
    .attr('aria-label', (e) => `${e.hidden ? 'Show' : 'Hide'} digit ${e.id}`)
    .text((e) => (e.hidden ? 'Show' : 'Hide'))
    .on('click', (_, e) => options.dispatch?.({ type: 'hide', id: e.id, hidden: !e.hidden }));
  // The wall's last place: how many older digits do not fit.
  list
    .selectAll<HTMLLIElement, number>('li.rd-more')
    .data(more > 0 ? [more] : [])
    .join((enter) => enter.append('li').attr('class', 'rd-more'))
    .attr('data-more', (n) => n)
    .attr('aria-label', (n) => `and ${n} older digit${n === 1 ? '' : 's'}`)
    .text((n) => `+${n} more`)
    .raise();
}

export function createView({ root, stage, role, dispatch }: ViewContext<unknown, RoomDigitsAction>): DemoView<RoomDigitsState> {
  const box = select(stage).append('div').attr('class', 'rd');
  /** The speaker view's preview: the presenter's window onto the projector's wall. */
  const presenter = role === 'mirror';

  // The projector (and the speaker view, and paper).
  const wallSide = box.append('div').attr('class', 'rd-projector');
  const controls = wallSide.append('div').attr('class', 'rd-controls');
  const train = button(controls, 'Train briefly', () => dispatch({ type: 'train' }), 'rd-train').attr(
    'title',
    'Train, pause or resume (T)',
  );
  const tune = button(controls, 'Train with your digits', () => dispatch({ type: 'fine-tune' }), 'rd-tune').attr(
    'title',
    'Fine-tune on half of the wall (Y)',
  );
  const clear = button(controls, 'Clear the wall', () => dispatch({ type: 'clear' }), 'rd-clear').attr('title', 'Clear the wall (C)');
  const line = wallSide.append('p').attr('class', 'rd-line').attr('aria-live', 'polite');
  const main = wallSide.append('div').attr('class', 'rd-main');
  const wall = main
    .append('ol')
    .attr('class', 'rd-wall')
    .attr('aria-label', 'The room’s digits, newest first')
    .style('--rd-columns', String(WALL_COLUMNS));
  // The empty wall, on the projector: where the room's digits will appear.
  const empty = main.append('p').attr('class', 'rd-empty').attr('hidden', '').text('Draw a digit on your phone: it appears here.');
  const side = main.append('dl').attr('class', 'rd-figures');
  side.append('dt').text('Your digits');
  const roomValue = side.append('dd').attr('class', 'rd-big');
  const roomDetail = side.append('dd').attr('class', 'rd-detail');
  side.append('dt').text('MNIST test images');
  const testValue = side.append('dd').attr('class', 'rd-big');
  const heldTerm = side.append('dt').text('Held-out half of your digits');
  const heldValue = side.append('dd').attr('class', 'rd-held');
  const legend = wallSide.append('p').attr('class', 'rd-legend');
  // Samples of the marks, with no digit: a number here would read as a count.
  legend.append('span').attr('class', 'rd-key right').text('✓ read right');
  legend.append('span').attr('class', 'rd-key wrong').text('✗ read wrong');
  legend.append('span').attr('class', 'rd-key pending').text('? not classified yet');
  const note = wallSide.append('p').attr('class', 'rd-note').attr('role', 'status');
  const recorded = wallSide.append('p').attr('class', 'rd-recorded');

  // A phone.
  const phoneSide = box.append('div').attr('class', 'rd-phone');
  const pad = createDrawPad(
    phoneSide.node()!,
    (strokes) => dispatch({ type: 'draw', strokes }),
    () => dispatch({ type: 'clear-pad' }),
  );
  const labels = phoneSide.append('div').attr('class', 'rd-labels').attr('role', 'group').attr('aria-label', 'I drew a …');
  labels.append('span').attr('class', 'rd-labels-title').text('I drew a …');
  const labelButtons = labels
    .selectAll('button')
    .data(DIGITS)
    .join('button')
    .attr('type', 'button')
    .attr('class', 'rd-label')
    .text((d) => String(d))
    .on('click', (_, d) => dispatch({ type: 'label', label: d }));
  const send = button(phoneSide, 'Send', () => dispatch({ type: 'send' }), 'rd-send');
  const phoneRoom = phoneSide.append('p').attr('class', 'rd-phone-room');
  const phoneWall = phoneSide.append('ol').attr('class', 'rd-wall rd-phone-wall').attr('aria-label', 'The room’s latest digits');

  const set = (name: string, value: number | undefined) => {
    if (value === undefined) delete root.dataset[name];
    else root.dataset[name] = value.toFixed(4);
  };

  return {
    render(s) {
      const f = figures(s);
      const phone = s.side === 'phone';
      root.dataset.side = s.side;
      root.dataset.network = s.network;
      root.dataset.count = String(f.count);
      root.dataset.fineTune = s.fineTune.state;
      set('roomAccuracy', f.roomAccuracy);
      set('testAccuracy', f.testAccuracy);
      set('heldoutBefore', f.heldOutBefore);
      set('heldoutAfter', f.heldOutAfter);

      wallSide.attr('hidden', phone ? '' : null);
      phoneSide.attr('hidden', phone ? null : '');

      if (phone) {
        pad.render(s.pad.strokes, s.pad.result?.probabilities, true, s.pad.line);
        labelButtons.attr('aria-pressed', (d) => String(d === s.pad.label));
        send.property('disabled', s.pad.strokes.length === 0 || s.pad.label === undefined);
        phoneRoom.text(
          f.count === 0
            ? 'The room’s wall is empty so far.'
            : `The room: ${f.count} digit${f.count === 1 ? '' : 's'}${f.roomAccuracy === undefined ? '' : `, ${percent(f.roomAccuracy)} read right`}${f.testAccuracy === undefined ? '' : ` (MNIST’s test images: ${percent(f.testAccuracy)})`}.`,
        );
        drawWall(phoneWall, wallOf(s.shared), { hideButtons: false, blankHidden: true });
        return;
      }

      const projector = s.side === 'projector';
      // The presenter's controls: in the speaker view of the presenter's deck only.
      const controlling = projector && presenter;
      const run = singleRunState(s.run, s.status);
      const offerRun = controlling && (s.network === 'none' || run === 'training' || run === 'paused');
      train.attr('hidden', offerRun ? null : '').text(run === 'training' ? 'Pause' : run === 'paused' ? 'Resume' : 'Train briefly');
      tune.attr('hidden', controlling ? null : '').property('disabled', fineTuneBlocked(s) !== undefined);
      clear.attr('hidden', controlling ? null : '').property('disabled', s.wall.length === 0);
      controls.attr('hidden', controlling ? null : '');
      const said = s.recorded ? '' : announcement(s, presenter ? 'presenter' : 'room');
      line.text(said).attr('hidden', said ? null : '');

      const inviting = projector && s.wall.length === 0;
      // An empty wall is an invitation, and nothing else: no legend for marks not yet drawn.
      wall.attr('hidden', inviting ? '' : null);
      empty.attr('hidden', inviting ? null : '');
      legend.attr('hidden', inviting ? '' : null);
      drawWall(wall, s.wall, { hideButtons: controlling, blankHidden: !presenter, tiles: WALL_COLUMNS * WALL_ROWS, dispatch });
      roomValue.text(percent(f.roomAccuracy));
      roomDetail.text(
        f.classified === 0
          ? `${f.count} digit${f.count === 1 ? '' : 's'}, none classified yet`
          : `${f.right} of ${f.classified} read right${f.count > f.classified ? `; ${f.count - f.classified} not classified yet` : ''}`,
      );
      testValue.text(percent(f.testAccuracy));
      const held = f.heldOutBefore !== undefined || f.heldOutAfter !== undefined || s.fineTune.state !== 'waiting';
      heldTerm.attr('hidden', held ? null : '');
      heldValue
        .attr('hidden', held ? null : '')
        .text(
          `before ${percent(f.heldOutBefore)} → after ${percent(f.heldOutAfter)}${s.fineTune.heldOut ? ` (${s.fineTune.heldOut} digits)` : ''}`,
        );
      // Why the presenter's last key did nothing: for the presenter, in the speaker view.
      const noted = presenter ? (s.note ?? '') : '';
      note.text(noted).attr('hidden', noted ? null : '');
      recorded.text(s.recorded ?? '').attr('hidden', s.recorded ? null : '');
    },
  };
}
