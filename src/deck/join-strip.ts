/**
 * The room's way in, on the projector: on a slide where the room takes part
 * (a poll, the wall of digits), a small strip in the corner with a QR code of
 * the follow link and the short address to type, so that a latecomer can
 * join at the moment it matters rather than wait for the follow-along slide.
 * Drawn only in the presenter's window, only while it presents, and never
 * in print; phones are already in.
 */
import type { RevealApi } from 'reveal.js';
import { followAddress, publicAddress, servedWithAddresses } from './qr.ts';

/** The slides that get the strip: those whose figures take the room's votes or digits. */
const TAKES_PART = '[data-demo="poll"], [data-demo="room-digits"]';

/** What a person types: the address without its scheme or trailing slash. */
export function shortAddress(address: string): string {
  const url = new URL(address);
  return `${url.host}${url.pathname}`.replace(/\/$/, '');
}

export interface JoinStrip {
  /** The room to follow, from the relay's welcome. */
  room(id: string): void;
  /** Whether this window presents now. */
  presenting(on: boolean): void;
  remove(): void;
}

export function joinStrip(deck: RevealApi, base: string): JoinStrip {
  const strip = document.createElement('aside');
  strip.className = 'join-strip';
  strip.hidden = true;
  strip.setAttribute('aria-label', 'Join the lecture on your phone');
  const code = document.createElement('div');
  code.className = 'join-code';
  const words = document.createElement('p');
  const address = document.createElement('span');
  address.className = 'join-address';
  words.append('Join on your phone', document.createElement('br'), address);
  strip.append(code, words);
  document.querySelector('.reveal')?.append(strip);

  let room: string | undefined;
  let on = false;
  let drawn = '';
  const update = () => {
    const slide = deck.getCurrentSlide();
    strip.hidden = !(on && room && drawn && slide?.querySelector(TAKES_PART));
  };
  const draw = async (id: string) => {
    const [{ renderSVG }, here] = await Promise.all([
      import('uqr'),
      publicAddress(location, base, { server: servedWithAddresses(document) }),
    ]);
    if (id !== room) return;
    const link = followAddress(here, id);
    code.innerHTML = renderSVG(link, { border: 1 }).replace(/^<svg\b/, `<svg role="img" aria-label="QR code of ${link}" focusable="false"`);
    address.textContent = shortAddress(here);
    strip.dataset.follow = link;
    drawn = link;
    update();
  };
  deck.on('slidechanged', update);
  return {
    room(id) {
      if (id === room) return;
      room = id;
      void draw(id);
    },
    presenting(now) {
      on = now;
      update();
    },
    remove() {
      deck.off('slidechanged', update);
      strip.remove();
    },
  };
}
