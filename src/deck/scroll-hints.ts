/**
 * On a phone, a table, a listing or a formula wider than the screen scrolls
 * sideways; this marks each one that does (`data-scrolls`, which deck.css
 * turns into a shadow at the edge where more is hidden) and puts "scroll
 * sideways →" under it, so that nobody takes a cut-off line for the whole.
 * Each element is measured when it is laid out (a ResizeObserver), so the
 * pages of the scroll view that are not rendered yet cost nothing.
 */
const WIDE = '.reveal .slides :is(pre, table, .katex-display)';

export function markSidewaysScrolling(root: ParentNode = document): void {
  if (!('ResizeObserver' in window)) return;
  // The marks change the layout, so they are made in the next frame, not in the observer's callback: a change
  // there makes Firefox and WebKit report "ResizeObserver loop completed with undelivered notifications".
  const pending = new Set<HTMLElement>();
  const mark = (): void => {
    for (const element of pending) {
      const scrolls = element.scrollWidth > element.clientWidth + 1;
      if (element.hasAttribute('data-scrolls') !== scrolls) element.toggleAttribute('data-scrolls', scrolls);
      let hint = element.nextElementSibling;
      if (scrolls && !hint?.classList.contains('scroll-hint')) {
        hint = document.createElement('span');
        hint.className = 'scroll-hint';
        hint.setAttribute('aria-hidden', 'true');
        hint.textContent = 'scroll sideways →';
        element.after(hint);
      } else if (!scrolls && hint?.classList.contains('scroll-hint')) hint.remove();
    }
    pending.clear();
  };
  const observer = new ResizeObserver((entries) => {
    if (pending.size === 0) requestAnimationFrame(mark);
    for (const { target } of entries) pending.add(target as HTMLElement);
  });
  for (const element of root.querySelectorAll<HTMLElement>(WIDE)) observer.observe(element);
}
