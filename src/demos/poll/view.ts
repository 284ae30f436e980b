/**
 * A poll's view: the question, its options, and what this window may show
 * of the votes. On a phone the options are buttons (a vote each, changeable
 * while the poll is open). On the projector, while the poll is open or
 * closed, only the number of votes shows, so that an early majority cannot
 * sway the rest; the counts appear as bars when the presenter reveals them,
 * and the right answer is marked with a tick and in words once known. The
 * projector speaks to the room: it draws no button and names no key.
 *
 * The presenter's side is the speaker view (a mirror, role "mirror"): it
 * always shows the counts (the presenter may look), says what V does next,
 * and has the button that does it (open, close, show, mark the answer),
 * whose click the mirror sends to the projector. Without a room the poll is
 * a still frame that asks for a show of hands; the slide's notes tell the
 * lecturer how to run it with a room.
 *
 * Draws a state and reports it on the figure (data-state, data-side,
 * data-votes as JSON counts per option, data-total, data-answer,
 * data-mine); computes nothing.
 */
import { demoStyles } from '../../contract/styles.ts';
import { select } from 'd3-selection';
import type { DemoView, ViewContext } from '../../contract/demo.ts';
import { button } from '../shared/controls.ts';
import figureCss from '../shared/figure.css?url';
import { answerIndex, countsOf, statusLine, totalOf, type PollAction, type PollState } from './model.ts';
import pollCss from './poll.css?url';

void demoStyles(figureCss, pollCss);

/** The speaker view's button, by the stage it moves on from. */
const ADVANCE: Record<PollState['state'], string> = {
  ready: 'Open the poll',
  open: 'Close the poll',
  closed: 'Show the votes',
  revealed: 'Mark the right answer',
};

export function createView({ root, stage, role, dispatch }: ViewContext<unknown, PollAction>): DemoView<PollState> {
  const box = select(stage).append('div').attr('class', 'poll-box');
  const question = box.append('p').attr('class', 'poll-question');
  const list = box.append('ol').attr('class', 'poll-options');
  const line = box.append('p').attr('class', 'poll-line').attr('aria-live', 'polite');
  // The presenter's button: in the speaker view only (V does the same in either window).
  const advance = button(box, '', () => dispatch({ type: 'advance' }), 'poll-advance').attr('title', 'Open, close, reveal (V)');
  const presenter = role === 'mirror';

  return {
    render(s) {
      const counts = countsOf(s);
      const total = totalOf(s);
      // The counts show on a phone once revealed, on the projector once revealed, and in the speaker view always.
      const shown = counts !== undefined && (s.state === 'revealed' || (presenter && s.side === 'projector'));
      const right = s.state === 'revealed' || s.side === 'alone' ? answerIndex(s) : -1;
      const phone = s.side === 'phone';

      question.text(s.question);
      const items = list
        .selectAll<HTMLLIElement, PollState['options'][number]>('li')
        .data(s.options, (o) => o.value)
        .join((enter) => {
          const li = enter.append('li').attr('class', 'poll-option');
          li.append('button').attr('type', 'button').attr('class', 'poll-choice');
          li.append('span').attr('class', 'poll-label');
          li.append('span').attr('class', 'poll-bar').attr('aria-hidden', 'true').append('span').attr('class', 'poll-fill');
          li.append('span').attr('class', 'poll-count');
          li.append('span').attr('class', 'poll-mark');
          return li;
        });
      // Bound at each render, so that a click names the option's index in the state drawn last.
      items.select('.poll-choice').on('click', (_, o) => dispatch({ type: 'choose', option: s.options.indexOf(o) }));
      items
        .attr('data-value', (o) => o.value)
        .classed('answer', (_, i) => i === right)
        .classed('mine', (_, i) => phone && i === s.mine);
      items
        .select('.poll-choice')
        .attr('hidden', phone ? null : '')
        .attr('aria-pressed', (_, i) => String(i === s.mine))
        .property('disabled', s.state !== 'open')
        .text((o) => o.label);
      items
        .select('.poll-label')
        .attr('hidden', phone ? '' : null)
        .text((o) => o.label);
      items
        .select('.poll-bar')
        .attr('hidden', shown ? null : '')
        .select('.poll-fill')
        .style('transform', (_, i) => `scaleX(${total > 0 && counts ? ((counts[i] ?? 0) / total).toFixed(3) : 0})`);
      items
        .select('.poll-count')
        .attr('hidden', shown ? null : '')
        .text((_, i) => (counts ? `${counts[i] ?? 0} (${total > 0 ? Math.round(((counts[i] ?? 0) / total) * 100) : 0}%)` : ''));
      items.select('.poll-mark').text((_, i) => (i === right ? '✓ right answer' : ''));

      line.text(statusLine(s, presenter ? 'presenter' : 'room'));
      // Something left for V to do: a stage to move on to, or an answer to mark (without a room, V only marks it).
      const pending =
        s.side === 'projector' ? !(s.state === 'revealed' && s.answer !== undefined) : s.side === 'alone' && s.answer === undefined;
      advance.attr('hidden', presenter && pending ? null : '').text(s.side === 'alone' ? ADVANCE.revealed : ADVANCE[s.state]);

      root.dataset.state = s.state;
      root.dataset.side = s.side;
      root.dataset.total = String(total);
      if (counts) root.dataset.votes = JSON.stringify(counts);
      else delete root.dataset.votes;
      if (s.answer === undefined) delete root.dataset.answer;
      else root.dataset.answer = s.answer;
      if (phone && s.mine !== undefined) root.dataset.mine = String(s.mine);
      else delete root.dataset.mine;
    },
  };
}
