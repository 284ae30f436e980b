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
  const observer = new ResizeObserver((entries) => {
    for (const { target } of entries) {
      const element = target as HTMLElement;
      const scrolls = element.scrollWidth > element.clientWidth + 1;
      element.toggleAttribute('data-scrolls', scrolls);
      let hint = element.nextElementSibling;
      if (scrolls && !hint?.classList.contains('scroll-hint')) {
        hint = document.createElement('span');
        hint.className = 'scroll-hint';
        hint.setAttribute('aria-hidden', 'true');
        hint.textContent = 'scroll sideways →';
        element.after(hint);
      } else if (!scrolls && hint?.classList.contains('scroll-hint')) hint.remove();
    }
  });
  for (const element of root.querySelectorAll<HTMLElement>(WIDE)) observer.observe(element);
}
