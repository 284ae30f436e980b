/**
 * reveal.js 6 has these methods at run time (js/reveal.js exports them) but
 * its bundled types leave them out.
 */
import 'reveal.js';

declare module 'reveal.js' {
  interface RevealApi {
    /** True while the scroll view (phones, or `view: 'scroll'`) is active. */
    isScrollView(): boolean;
    /** True while laid out for printing (`?print-pdf`). */
    isPrintView(): boolean;
  }
}
