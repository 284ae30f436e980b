import { z } from 'astro/zod';
import { describe, expect, it } from 'vitest';
import { buildDeck, type SourceFile } from '../../src/markdown/deck.ts';
import type { RenderOptions } from '../../src/markdown/render.ts';

const figures: Record<string, string> = {
  broken: '<svg xmlns="http://www.w3.org/2000/svg"><g></svg>',
  loop: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>old</title><defs><marker id="arrow" markerWidth="4" markerHeight="4"><path d="M0 0L4 2L0 4z"/></marker></defs><path d="M0 0L10 10" marker-end="url(#arrow)"/></svg>',
};
const options: RenderOptions = {
  demos: new Map([['gradient-descent-1d', { params: z.object({ preset: z.enum(['small', 'good', 'large']).default('good') }), keys: [] }]]),
  readFigure: (name) => figures[name],
};

const file = (path: string, body: string, frontmatter = 'title: Part'): SourceFile => ({
  path,
  source: `---\n${frontmatter}\n---\n${body}`,
});

async function deckOf(...files: SourceFile[]) {
  return buildDeck(files, options);
}

describe('buildDeck', () => {
  it('orders files by name, not by the order they were read', async () => {
    const parts = await deckOf(
      file('slides/10-end.md', '## End'),
      file('slides/02-start.md', '## Start'),
      file('slides/03-middle.md', '## Middle'),
    );
    expect(parts.map((p) => p.id)).toEqual(['02-start', '03-middle', '10-end']);
  });

  it('gives each slide an id from its title, or the one set with ::slide{#id}', async () => {
    const [part] = await deckOf(
      file('slides/01.md', '## What a tensor is\n---\n## Anything\n\n::slide{#explicit-id .centered data-background-color="#000"}'),
    );
    const [a, b] = part!.stacks.map((s) => s.slides[0]!);
    expect(a!.id).toBe('what-a-tensor-is');
    expect(b).toMatchObject({ id: 'explicit-id', title: 'Anything', attributes: { class: 'centered', 'data-background-color': '#000' } });
    expect(b!.html).not.toContain('::slide');
  });

  it('keeps ids stable when slides are reordered', async () => {
    const before = await deckOf(file('slides/01.md', '## Alpha\n---\n## Beta'));
    const after = await deckOf(file('slides/01.md', '## Beta\n---\n## Alpha'));
    const ids = (parts: typeof before) =>
      parts.flatMap((p) => p.stacks.flatMap((s) => s.slides.map((slide) => `${slide.title}=${slide.id}`)));
    expect(ids(after).sort()).toEqual(ids(before).sort());
  });

  it('refuses two slides with the same id, naming both places', async () => {
    await expect(deckOf(file('slides/01.md', '## Loss'), file('slides/02.md', '\n\n## Loss'))).rejects.toThrow(
      'slides/02.md:6: the slide id "loss" is already used by the slide at slides/01.md:4; give one of them its own id with ::slide{#another-id}',
    );
  });

  it('refuses a slide without a title, but accepts a title given with ::slide{title}', async () => {
    await expect(deckOf(file('slides/01.md', '## Fine\n---\nJust text'))).rejects.toThrow(/slides\/01\.md:6: this slide has no title/);
    const [part] = await deckOf(file('slides/01.md', '::slide{title="Full-bleed figure"}\n\nJust text'));
    expect(part!.stacks[0]!.slides[0]).toMatchObject({ id: 'full-bleed-figure', title: 'Full-bleed figure' });
    expect(part!.stacks[0]!.slides[0]!.html).toContain('<h2 class="sr-only">Full-bleed figure</h2>');
  });

  it('names the file, the line and the field of a frontmatter mistake', async () => {
    await expect(deckOf(file('slides/07-bad.md', '## A', 'title: A\nminutes: lots'))).rejects.toThrow(
      'slides/07-bad.md:3: field "minutes" must be a number, not "lots"',
    );
    await expect(deckOf(file('slides/08-yaml.md', '## A', 'title: [unclosed'))).rejects.toThrow(
      /^slides\/08-yaml\.md:2: the frontmatter is not valid YAML/,
    );
    await expect(deckOf({ path: 'slides/09-none.md', source: '## A' })).rejects.toThrow('slides/09-none.md:1: field "title" is required');
  });

  it('leaves out draft files', async () => {
    const parts = await deckOf(file('slides/01.md', '## Kept'), file('slides/02.md', '## Dropped', 'title: B\ndraft: true'));
    expect(parts.map((p) => p.id)).toEqual(['01']);
  });

  it('renders speaker notes as HTML', async () => {
    const [part] = await deckOf(file('slides/01.md', '## A\nNote:\nSay **this** and $x^2$.'));
    const slide = part!.stacks[0]!.slides[0]!;
    expect(slide.notes).toContain('<strong>this</strong>');
    expect(slide.notes).toContain('class="katex"');
    expect(slide.html).not.toContain('Say');
  });

  it("marks the lecturer's directions in the notes, and leaves them out of the reader's notes or gives the reader's version", async () => {
    const [part] = await deckOf(
      file(
        'slides/01.md',
        '## A\nNote:\n:lecturer[Press V to open the poll.] Most people answer **seven**.\n\n:lecturer[Press T.]{reader="Press Train."} It learns.\n\n:::lecturer\nAsk the room which model wins.\n:::\n\nThe end.',
      ),
    );
    const slide = part!.stacks[0]!.slides[0]!;
    // The speaker view keeps every direction, marked.
    expect(slide.notes).toContain('<em class="lecturer">Press V to open the poll.</em> Most people answer <strong>seven</strong>.');
    expect(slide.notes).toContain('<div class="lecturer"><p>Ask the room which model wins.</p></div>');
    // The reader reads prose.
    expect(slide.readerNotes).toBe(
      '<p>Most people answer <strong>seven</strong>.</p>\n<p><span class="for-reader">Press Train.</span> It learns.</p>\n\n<p>The end.</p>',
    );
  });

  it("joins the sentence around a direction that the reader's notes leave out", async () => {
    const readerNotes = async (notes: string) => {
      const [part] = await deckOf(file('slides/01.md', `## A\nNote:\n${notes}`));
      return part!.stacks[0]!.slides[0]!.readerNotes;
    };
    // The direction ends a sentence and the text after it carries on from it: the reader's sentence begins with a capital, after one space.
    expect(
      await readerNotes(
        'Now the audience tests the network we just trained. :lecturer[Ask everyone to open the QR code, which follows the slides:] on this slide a phone shows a drawing pad.',
      ),
    ).toBe('<p>Now the audience tests the network we just trained. On this slide a phone shows a drawing pad.</p>');
    // Mid-sentence, the words around it keep their case, with one space between them and none before punctuation.
    expect(await readerNotes('The network :lecturer[(point at it)] learns quickly.')).toBe('<p>The network learns quickly.</p>');
    expect(await readerNotes('It learns :lecturer[(point at the curve)], then it stops.')).toBe('<p>It learns, then it stops.</p>');
    // At the start of a paragraph, also through emphasis; inline code keeps its case.
    expect(await readerNotes(':lecturer[Click once:] *the* reshape.')).toBe('<p><em>The</em> reshape.</p>');
    expect(await readerNotes(':lecturer[Click once:] `fit` trains.')).toBe('<p><code>fit</code> trains.</p>');
    // The reader's own version is printed as written.
    expect(await readerNotes('Done. :lecturer[Click:]{reader="next:"} the scaling.')).toBe(
      '<p>Done. <span class="for-reader">next:</span> the scaling.</p>',
    );
  });

  it('refuses an unmarked speaker direction in the notes, with its line and the phrase, but not on the slide', async () => {
    await expect(deckOf(file('slides/01.md', '## A\nNote:\nFine prose.\n\nNow press V to open the poll.'))).rejects.toThrow(
      /slides\/01\.md:8: the notes say "press V", a direction for the lecturer; mark it as theirs, :lecturer\[press V …\]/,
    );
    for (const said of [
      'Ask the room what they expect.',
      'Pause here for questions.',
      'Click through the list.',
      'A show of hands: who has used Keras?',
    ])
      await expect(deckOf(file('slides/01.md', `## A\nNote:\n${said}`))).rejects.toThrow(/a direction for the lecturer/);
    // Ordinary prose about pressing things, asking and pausing is not a direction.
    await expect(
      deckOf(file('slides/01.md', '## A\nNote:\nPress Train and the network learns; we ask the data, and training can pause.')),
    ).resolves.toBeDefined();
    await expect(deckOf(file('slides/01.md', '## A\n\n:lecturer[Press V]'))).rejects.toThrow(
      /:lecturer marks a direction in the speaker notes/,
    );
  });

  it('keeps a former id as a link to its successor, and refuses one that a slide still has or two slides claim', async () => {
    const [part] = await deckOf(file('slides/01.md', '## New\n\n::slide{#new-id formerly="old-a old-b"}\n---\n## Other'));
    expect(part!.stacks[0]!.slides[0]).toMatchObject({ id: 'new-id', formerly: ['old-a', 'old-b'] });
    expect(part!.stacks[0]!.slides[0]!.attributes).not.toHaveProperty('formerly');
    await expect(deckOf(file('slides/01.md', '## New\n\n::slide{#new-id formerly="other"}\n---\n## Other'))).rejects.toThrow(
      'slides/01.md:4: formerly="other": "other" is the id of the slide at slides/01.md:8; a former id must be one no slide has now',
    );
    await expect(deckOf(file('slides/01.md', '## A\n\n::slide{formerly="gone"}\n---\n## B\n\n::slide{formerly="gone"}'))).rejects.toThrow(
      'slides/01.md:8: formerly="gone": the slide at slides/01.md:4 (#a) already names "gone" as its former id',
    );
    await expect(deckOf(file('slides/01.md', '## A\n\n::slide{formerly="Not An Id"}'))).rejects.toThrow(/"Not" is not a slide id/);
  });
});

describe('rendering a slide', () => {
  const one = async (body: string) => (await deckOf(file('slides/01.md', body)))[0]!.stacks[0]!.slides[0]!;

  it('renders inline and display math with KaTeX, MathML included', async () => {
    const slide = await one(
      '## Update\n\n$w \\leftarrow w - \\eta \\frac{\\partial L}{\\partial w}$\n\n$$\nL = -\\sum_i y_i \\log \\hat y_i\n$$',
    );
    expect(slide.html).toContain(
      '<annotation encoding="application/x-tex">w \\leftarrow w - \\eta \\frac{\\partial L}{\\partial w}</annotation>',
    );
    expect(slide.html).toContain('class="katex-display"');
  });

  it('fails with the line when KaTeX cannot render the math', async () => {
    await expect(deckOf(file('slides/01.md', '## Bad\n\n$\\frac{1}{$'))).rejects.toThrow(
      /^slides\/01\.md:6: KaTeX cannot render this math/,
    );
    await expect(deckOf(file('slides/01.md', '## Bad\n\n$$\nx\n\\frac{1}{\n$$'))).rejects.toThrow(
      /^slides\/01\.md:8: KaTeX cannot render this math/,
    );
  });

  it('highlights code at build time and refuses an unknown language', async () => {
    const slide = await one('## Code\n\n```python\nmodel.fit(x, y, epochs=5)\n```');
    expect(slide.html).toMatch(
      /<pre class="shiki shiki-themes github-light-high-contrast github-dark-high-contrast"[^>]*tabindex="0"><code><span class="line"><span style="color:#[0-9A-F]{6};--shiki-dark:#[0-9A-F]{6}">/,
    );
    await expect(deckOf(file('slides/01.md', '## Code\n\n```pyhton\nx\n```'))).rejects.toThrow(
      /code block language "pyhton" is not highlighted/,
    );
  });

  it('makes each item of a :::fragments list a fragment', async () => {
    const slide = await one('## Steps\n\n:::fragments\n- one\n- two\n:::');
    expect(slide.html.match(/<li class="fragment">/g)).toHaveLength(2);
  });

  it('lays out :::columns and renders GFM tables', async () => {
    const slide = await one('## Compare\n\n:::columns\n| a | b |\n|---|---|\n| 1 | 2 |\n\nright\n:::');
    expect(slide.html).toContain('<div class="columns"><table>');
  });

  it('embeds a demo as a figure with its text alternative, checked parameters and step fragments', async () => {
    const slide = await one('## Descent\n\n::demo[A ball rolls down a loss curve]{name="gradient-descent-1d" steps="3" preset="large"}');
    expect(slide.demos).toEqual(['gradient-descent-1d']);
    expect(slide.html).toContain(
      '<figure class="demo" data-demo="gradient-descent-1d" data-demo-state="pending" data-params="{&#x22;preset&#x22;:&#x22;large&#x22;}">',
    );
    expect(slide.html).toContain('<figcaption class="demo-alt">A ball rolls down a loss curve</figcaption>');
    expect(slide.html.match(/class="fragment demo-step"/g)).toHaveLength(3);
  });

  it('refuses an unknown demo, a demo without a text alternative, and unknown block directives', async () => {
    await expect(deckOf(file('slides/01.md', '## D\n\n::demo[x]{name="gradient-descent-3d"}'))).rejects.toThrow(
      'slides/01.md:6: there is no demo "gradient-descent-3d"; known demos: gradient-descent-1d',
    );
    await expect(deckOf(file('slides/01.md', '## D\n\n::demo[x]{name="gradient-descent-1d" .wide}'))).rejects.toThrow(
      'slides/01.md:6: ::demo{name="gradient-descent-1d"}: field "class" is not a known parameter (known: preset)',
    );
    await expect(deckOf(file('slides/01.md', '## D\n\n::demo{name="gradient-descent-1d"}'))).rejects.toThrow(/needs a text alternative/);
    await expect(deckOf(file('slides/01.md', '## D\n\n::figurine{src="x"}'))).rejects.toThrow(/unknown directive "::figurine"/);
  });

  it('leaves prose that looks like an inline directive alone', async () => {
    const slide = await one('## Ratio\n\nThe odds are 3:a and the time is 10:30.');
    expect(slide.html).toContain('The odds are 3:a and the time is 10:30.');
  });

  it('inlines our SVG figures with an accessible name and ids unique to the figure', async () => {
    const slide = await one('## Loop\n\n::figure[The five steps of the training loop]{src="loop" caption="The loop."}');
    expect(slide.html).toMatch(/<figure class="figure"><svg role="img" aria-label="The five steps of the training loop" focusable="false"/);
    const id = /<marker id="(fig-loop__\w+)"/.exec(slide.html)?.[1];
    expect(id).toBeDefined();
    expect(slide.html).toContain(`marker-end="url(#${id})"`);
    expect(slide.html).not.toContain('<title>old</title>');
    expect(slide.html).toContain('<figcaption>The loop.</figcaption>');
    await expect(deckOf(file('slides/01.md', '## L\n\n::figure[x]{src="nope"}'))).rejects.toThrow(/there is no slides\/figures\/nope\.svg/);
  });

  it('names the figure, not the code, when a figure is not valid SVG', async () => {
    await expect(deckOf(file('slides/01.md', '## L\n\n::figure[x]{src="broken"}'))).rejects.toThrow(
      /^slides\/01\.md:4: slides\/figures\/broken\.svg is not valid SVG: .+; open it in an editor and fix or re-export it$/,
    );
  });

  it('refuses images and other resources from another origin, but allows links', async () => {
    await expect(deckOf(file('slides/01.md', '## Img\n\n![a ruler](https://example.com/ruler.jpg)'))).rejects.toThrow(
      /slides\/01\.md:6: <img src> would load https:\/\/example\.com\/ruler\.jpg from another origin/,
    );
    await expect(deckOf(file('slides/01.md', '## Raw\n\n<img src="//cdn.example.com/x.png" alt="x">'))).rejects.toThrow(/another origin/);
    await expect(deckOf(file('slides/01.md', '## Css\n\n<div style="background: url(https://x.org/a.png)">x</div>'))).rejects.toThrow(
      /another origin/,
    );
    await expect(
      deckOf(
        file(
          'slides/01.md',
          '## Local\n\n<img src="/digits.png" srcset="/digits.png 1x, /digits@2x.png 2x" alt="digits">\n\n<style>.x { background: url(/a.png) }</style>',
        ),
      ),
    ).resolves.toBeDefined();
    const slide = await one("## Read more\n\n[Chollet's book](https://www.manning.com/books/deep-learning-with-python)");
    expect(slide.html).toContain('href="https://www.manning.com/books/deep-learning-with-python"');
  });
});

describe('nesting containers', () => {
  it('nests fragments inside a column inside columns when outer fences are longer', async () => {
    const [part] = await buildDeck(
      [
        file(
          'slides/01.md',
          '## Loop\n\n:::::columns\n::::column{.wide}\n:::fragments\n1. one\n2. two\n:::\n::::\n::::column\nright\n::::\n:::::',
        ),
      ],
      options,
    );
    const html = part!.stacks[0]!.slides[0]!.html;
    expect(html).toMatch(/<div class="columns"><div class="column wide"><div class="fragments"><ol>\n<li class="fragment">one<\/li>/);
    expect(html).toContain('<div class="column"><p>right</p></div></div>');
    expect(html).not.toContain(':::');
  });

  it('makes a :::fragment block appear as one fragment and :::small quieter', async () => {
    const [part] = await buildDeck(
      [file('slides/01.md', '## A\n\n:::fragment{.small}\nSources: **Chollet**, $x$.\n:::\n\n:::small\nAside.\n:::')],
      options,
    );
    const html = part!.stacks[0]!.slides[0]!.html;
    expect(html).toMatch(/<div class="fragment small"><p>Sources: <strong>Chollet<\/strong>, <span class="katex">/);
    expect(html).toContain('<div class="small"><p>Aside.</p></div>');
  });
});
