/**
 * `::qr`: a QR code of the deck's published address, so that the room can
 * follow along on phones. With SITE_URL the code is drawn when the site is
 * built; without it, the page draws it from the address it is served from
 * (src/deck/qr.ts).
 */
import { SKIP } from 'unist-util-visit';
import { renderSVG } from 'uqr';
import { accessibleSvg } from '../checks/svg.ts';
import { ANY_ATTRIBUTES, defineDirective } from './define.ts';

export const qr = defineDirective({
  name: 'qr',
  kinds: ['leafDirective'],
  // It takes none; any given are ignored, as they always were.
  attributes: ANY_ATTRIBUTES,
  readme: {
    write: '`::qr`',
    get: "a QR code of the deck's published address (SITE_URL and BASE_PATH), with the address as a link; without SITE_URL the page draws it from the address it is served from",
  },
  render(node, _attributes, { options, fail }) {
    const url = options.siteUrl;
    if (!url) {
      // No public address at build time: the page draws the code from where it is served (src/deck/qr.ts).
      node.data = { hName: 'figure', hProperties: { className: ['qr'], dataQrAuto: '' } };
      node.children = [
        {
          type: 'html',
          value: '<div class="qr-code" role="img" aria-label="QR code of the deck\'s address (drawn when the page loads)"></div>',
        },
        {
          type: 'paragraph',
          data: { hName: 'figcaption' },
          children: [{ type: 'link', url: './', children: [{ type: 'text', value: 'this deck' }] }],
        },
      ] as never;
      return SKIP;
    }
    const code = accessibleSvg(renderSVG(url, { border: 2 }), 'qr', `QR code of the deck's address, ${url}`);
    if (!code.ok) return fail(code.problem, 'slide');
    node.data = { hName: 'figure', hProperties: { className: ['qr'], dataAddress: url } };
    node.children = [
      { type: 'html', value: `<div class="qr-code">${code.svg}</div>` },
      {
        type: 'paragraph',
        data: { hName: 'figcaption' },
        children: [{ type: 'link', url, children: [{ type: 'text', value: url }] }],
      },
    ] as never;
    return SKIP;
  },
});
