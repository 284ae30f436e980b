/**
 * Demo keys in reveal.js: one binding per key for the whole deck, listed in
 * the help overlay (?) from the first slide on with what it does and on which
 * slides. Pressing it runs the action of the demo on screen that binds it
 * (the lifecycle binds a demo's keys while its slide is shown), so a key
 * means nothing on a slide without such a demo.
 */
import type { AnyManifest } from '../contract/demo.ts';
import { demoId } from './lifecycle.ts';

/** The part of reveal.js's API this module uses. */
export interface KeyDeck {
  addKeyBinding(binding: { keyCode: number; key: string; description: string }, handler: () => void): void;
}

export interface KeyUse {
  description: string;
  /** Ids of the slides whose demo binds the key. */
  slides: string[];
}

/** Every demo key on the page, upper-case, with what it does and where, in the order the slides come. */
export function demoKeys(page: ParentNode, manifests: ReadonlyMap<string, AnyManifest>): Map<string, KeyUse[]> {
  const keys = new Map<string, KeyUse[]>();
  for (const root of page.querySelectorAll<HTMLElement>('[data-demo]')) {
    const slide = demoId(root).split('/')[0]!;
    for (const binding of manifests.get(root.dataset.demo ?? '')?.keys ?? []) {
      const uses = keys.get(binding.key.toUpperCase()) ?? [];
      const use = uses.find((u) => u.description === binding.description);
      if (use) {
        if (!use.slides.includes(slide)) use.slides.push(slide);
      } else uses.push({ description: binding.description, slides: [slide] });
      keys.set(binding.key.toUpperCase(), uses);
    }
  }
  return keys;
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The help overlay's text for a key (reveal.js inserts it as HTML). */
export function keyDescription(uses: KeyUse[]): string {
  return uses.map((u) => `${escape(u.description)} (${u.slides.map((s) => `#/${s}`).join(', ')})`).join('<br>');
}

/** Registers every demo key of the page with reveal.js; `press` runs it and says whether a demo on screen took it. */
export function bindDemoKeys(
  deck: KeyDeck,
  page: ParentNode,
  manifests: ReadonlyMap<string, AnyManifest>,
  press: (key: string) => boolean,
): void {
  for (const [key, uses] of demoKeys(page, manifests)) {
    deck.addKeyBinding({ keyCode: key.charCodeAt(0), key, description: keyDescription(uses) }, () => press(key));
  }
}
