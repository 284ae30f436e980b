/**
 * The little DOM the question views share: making an element in the root's
 * own document (the speaker view lives in reveal.js's popup window, whose
 * document is not the global one), putting keyed nodes in order without
 * rebuilding them, and the first words of a question for a button's name.
 * Text from phones only ever goes in through textContent.
 */

/** An element of `doc`, with a class and text if given. */
export function make<K extends keyof HTMLElementTagNameMap>(
  doc: Document,
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const element = doc.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

/** Sets or removes the `hidden` attribute. */
export function show(element: HTMLElement, visible: boolean): void {
  if (element.hidden === visible) element.hidden = !visible;
}

/** Sets an attribute only when it changes, so that a redraw of an unchanged state touches nothing. */
export function attr(element: Element, name: string, value: string | undefined): void {
  if (value === undefined) {
    if (element.hasAttribute(name)) element.removeAttribute(name);
  } else if (element.getAttribute(name) !== value) element.setAttribute(name, value);
}

/** Sets an element's text only when it changes. */
export function text(element: Element, value: string): void {
  if (element.textContent !== value) element.textContent = value;
}

/**
 * Makes `list`'s children exactly `nodes`, in that order, moving only the
 * ones out of place (a moved button would lose the keyboard's focus) and
 * removing the rest.
 */
export function place(list: Element, nodes: readonly Element[]): void {
  nodes.forEach((node, i) => {
    const here = list.children[i];
    if (here !== node) list.insertBefore(node, here ?? null);
  });
  while (list.children.length > nodes.length) list.lastElementChild?.remove();
}

/** The first few words of a question, to name a button after it: at most `words` words and about 40 characters. */
export function firstWords(question: string, words = 6): string {
  const all = question.split(' ');
  let cut = all.slice(0, words).join(' ');
  if (Array.from(cut).length > 40) cut = Array.from(cut).slice(0, 40).join('').trimEnd();
  return cut.length < question.length ? `${cut}…` : cut;
}

/** "1 vote", "3 votes". */
export function votes(n: number): string {
  return `${n} vote${n === 1 ? '' : 's'}`;
}
