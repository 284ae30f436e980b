/**
 * Search the slides, as a reveal.js plugin (`{ id, init }`), in place of
 * reveal's own: Ctrl+Shift+F opens a box; every slide whose text (or speaker
 * notes) holds all the words is listed, marked "in the notes" when only the
 * notes do; Enter goes to the next match; Esc closes it and gives the
 * keyboard back to the deck. While it is open the presenter's clicker still
 * works (PageDown, PageUp, and → or ← once the caret is at the end or the
 * start of the text), and the words are highlighted on the slide with the
 * CSS Custom Highlight API, which leaves the slide's markup untouched.
 */

/** The part of reveal.js's API the search uses. */
export interface SearchDeck {
  getRevealElement(): HTMLElement | null;
  getIndices(slide?: HTMLElement): { h: number; v?: number };
  slide(h: number, v?: number): void;
  next(): void;
  prev(): void;
  registerKeyboardShortcut(key: string, description: string): void;
  on(type: string, listener: () => void): void;
}

export interface SlideText {
  id: string;
  title: string;
  /** What the audience sees, lower-cased. */
  text: string;
  /** The speaker notes, lower-cased. */
  notes: string;
}

export interface Match {
  id: string;
  title: string;
  /** True when the words are only in the speaker notes. */
  notesOnly: boolean;
}

/** Folds case and accents, so that "Cortes" finds "cortès". */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}

/** The slides holding every word of `query`, in deck order. Pure. */
export function findSlides(slides: readonly SlideText[], query: string): Match[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const matches: Match[] = [];
  for (const slide of slides) {
    const all = `${slide.text} ${slide.notes}`;
    if (!words.every((w) => all.includes(w))) continue;
    matches.push({ id: slide.id, title: slide.title, notesOnly: !words.every((w) => slide.text.includes(w)) });
  }
  return matches;
}

/** The text of every slide of the deck, read once. */
export function slideTexts(root: ParentNode): SlideText[] {
  return [...root.querySelectorAll<HTMLElement>('.slides section[id]')].map((section) => {
    const copy = section.cloneNode(true) as HTMLElement;
    const notes = [...copy.querySelectorAll('aside.notes')].map((n) => n.textContent ?? '').join(' ');
    copy.querySelectorAll('aside.notes, .katex-mathml').forEach((n) => n.remove());
    const title = section.querySelector('h1, h2, h3')?.textContent?.trim() || section.id;
    return { id: section.id, title, text: fold(copy.textContent ?? ''), notes: fold(notes) };
  });
}

/** The reveal.js plugin. */
export const Search = () => {
  let deck: SearchDeck;
  let box: HTMLElement | undefined;
  let input!: HTMLInputElement;
  let status!: HTMLElement;
  let list!: HTMLOListElement;
  let slides: SlideText[] | undefined;
  let matches: Match[] = [];
  let next = 0;

  const go = (match: Match | undefined) => {
    const section = match ? document.getElementById(match.id) : null;
    if (!section) return;
    const { h, v } = deck.getIndices(section);
    deck.slide(h, v);
  };

  const highlight = () => {
    const registry = (globalThis as { CSS?: { highlights?: Map<string, unknown> } }).CSS?.highlights;
    const Highlight = (globalThis as { Highlight?: new (...ranges: Range[]) => unknown }).Highlight;
    if (!registry || !Highlight) return;
    registry.delete('deck-search');
    const words = fold(input.value).split(/\s+/).filter(Boolean);
    if (!box || box.hidden || words.length === 0) return;
    const ranges: Range[] = [];
    for (const id of matches.map((m) => m.id)) {
      const section = document.getElementById(id);
      if (!section) continue;
      const walker = document.createTreeWalker(section, NodeFilter.SHOW_TEXT, {
        acceptNode: (node) =>
          node.parentElement?.closest('aside.notes, .katex-mathml') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
      });
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = fold(node.nodeValue ?? '');
        for (const word of words) {
          // Folding keeps lengths for the letters lectures use, so offsets carry over.
          for (
            let at = text.indexOf(word);
            at >= 0 && at + word.length <= (node.nodeValue ?? '').length;
            at = text.indexOf(word, at + word.length)
          ) {
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + word.length);
            ranges.push(range);
          }
        }
      }
    }
    registry.set('deck-search', new Highlight(...ranges));
  };

  const update = () => {
    slides ??= slideTexts(deck.getRevealElement() ?? document);
    matches = findSlides(slides, input.value);
    next = 0;
    const inNotes = matches.filter((m) => m.notesOnly).length;
    status.textContent =
      input.value.trim() === ''
        ? 'Type a word; Enter goes to the next slide that has it.'
        : matches.length === 0
          ? 'No slide has these words.'
          : `${matches.length} slide${matches.length === 1 ? '' : 's'}${inNotes ? `, ${inNotes} only in the speaker notes` : ''}. Enter goes to the next.`;
    list.replaceChildren(
      ...matches.slice(0, 8).map((match) => {
        const item = document.createElement('li');
        const button = document.createElement('button');
        button.type = 'button';
        button.textContent = match.title;
        button.addEventListener('click', () => go(match));
        item.append(button);
        if (match.notesOnly) {
          const badge = document.createElement('span');
          badge.className = 'deck-search-notes';
          badge.textContent = 'in the notes';
          item.append(badge);
          item.dataset.notesOnly = '';
        }
        item.dataset.slide = match.id;
        return item;
      }),
    );
    highlight();
  };

  const build = () => {
    box = document.createElement('div');
    box.className = 'deck-search';
    box.setAttribute('role', 'search');
    box.hidden = true;
    input = document.createElement('input');
    input.type = 'search';
    input.className = 'deck-search-input';
    input.setAttribute('aria-label', 'Search the slides and their notes');
    input.placeholder = 'Search the slides…';
    status = document.createElement('p');
    status.className = 'deck-search-status';
    status.setAttribute('role', 'status');
    list = document.createElement('ol');
    list.className = 'deck-search-results';
    box.append(input, status, list);
    (deck.getRevealElement() ?? document.body).append(box);
    input.addEventListener('input', update);
    input.addEventListener('keydown', (event) => {
      const atEnd = input.selectionStart === input.value.length && input.selectionEnd === input.value.length;
      const atStart = input.selectionStart === 0 && input.selectionEnd === 0;
      if (event.key === 'Escape') close();
      else if (event.key === 'Enter') {
        go(matches[next % Math.max(1, matches.length)]);
        next += 1;
      } else if (event.key === 'PageDown' || (event.key === 'ArrowRight' && atEnd)) deck.next();
      else if (event.key === 'PageUp' || (event.key === 'ArrowLeft' && atStart)) deck.prev();
      else return;
      // Keep these keys from reveal.js and from the text field's own handling.
      event.preventDefault();
      event.stopPropagation();
    });
  };

  const open = () => {
    if (!box) build();
    box!.hidden = false;
    input.focus();
    input.select();
    update();
  };

  const close = () => {
    if (!box || box.hidden) return;
    box.hidden = true;
    highlight();
    // Give the keyboard back to the deck: reveal.js listens on the document, which has the focus once the field lets it go.
    input.blur();
  };

  return {
    id: 'search',
    init(reveal: SearchDeck) {
      // Its key, Ctrl+Shift+F, is plugins.ts's, which calls toggle() once this has loaded.
      deck = reveal;
    },
    open,
    close,
    toggle() {
      if (box && !box.hidden) close();
      else open();
    },
  };
};
