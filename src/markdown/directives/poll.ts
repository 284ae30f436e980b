/**
 * `::poll[The question?]{id="…" options="a:First|b:Second" answer="a"}`: a
 * question put to the room. Its attributes depend on one another (an answer
 * must be one of the options), so ../poll.ts checks them all at once and
 * says every mistake; here the checked poll becomes the `poll` demo's figure.
 */
import { toString } from 'mdast-util-to-string';
import { SKIP } from 'unist-util-visit';
import { parsePoll, POLL_DEMO, pollAlternative } from '../poll.ts';
import { ANY_ATTRIBUTES, defineDirective } from './define.ts';

export const poll = defineDirective({
  name: 'poll',
  kinds: ['leafDirective'],
  // id, options, answer and answer-from, checked together by parsePoll.
  attributes: ANY_ATTRIBUTES,
  readme: {
    write: '`::poll[Which model wins?]{id="which-model" options="a:Logistic|b:Dense" answer="b"}`',
    get: 'a question put to the room, answered on phones and counted on the slide; the right answer is fixed (`answer`) or read from a demo the deck shows (`answer-from="model-comparison.best"`); ids are unique in the deck',
  },
  render(node, attributes, { options, slide, fail, bindKeys }) {
    const poll = parsePoll(toString(node), attributes, options.demos);
    if (!poll.ok) return fail(poll.problems);
    const { data } = poll;
    if (!bindKeys(POLL_DEMO, options.demos.get(POLL_DEMO)?.keys ?? [], `::poll{id="${data.id}"}`)) return SKIP;
    slide.demos.push(POLL_DEMO);
    slide.polls.push({ id: data.id, answerFrom: data.answerFrom, line: node.position?.start.line });
    node.data = {
      hName: 'figure',
      // A demo like any other, so the lifecycle mounts it; data-poll lets a test or the room find one poll.
      hProperties: {
        className: ['demo', 'poll'],
        dataDemo: POLL_DEMO,
        dataDemoState: 'pending',
        dataPoll: data.id,
        dataParams: JSON.stringify(data),
      },
      hChildren: [
        { type: 'element', tagName: 'div', properties: { className: ['demo-stage'] }, children: [] },
        {
          type: 'element',
          tagName: 'figcaption',
          properties: { className: ['demo-alt'] },
          children: [{ type: 'text', value: pollAlternative(data) }],
        },
      ],
    };
    return SKIP;
  },
});
