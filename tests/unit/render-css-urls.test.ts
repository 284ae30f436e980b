/**
 * The URLs a piece of CSS in a slide would fetch, as the same-origin check
 * finds them with a CSS parser (src/markdown/checks/css-urls.ts).
 */
import { describe, expect, it } from 'vitest';
import { urlsInCss } from '../../src/markdown/checks/css-urls.ts';

const urls = (css: string, kind: Parameters<typeof urlsInCss>[1] = 'stylesheet') =>
  urlsInCss(css, kind).map(({ url, line, via }) => `${line} ${via} ${url}`);

describe('urlsInCss', () => {
  it('finds url(), quoted or not, @import with a string or url(), and the strings of image-set(), each at its line', () => {
    expect(
      urls(
        [
          '@import "https://fonts.example.com/a.css";',
          '@import url(//fonts.example.com/b.css) layer(base);',
          '.hero {',
          '  background: url("https://images.example.com/hero.jpg") no-repeat;',
          "  background-image: image-set('https://a.example.com/x.png' 1x, url(/local@2x.png) 2x);",
          '}',
          "@font-face { src: url(/fonts/a.woff2) format('woff2') }",
        ].join('\n'),
      ),
    ).toEqual([
      '1 @import https://fonts.example.com/a.css',
      '2 @import //fonts.example.com/b.css',
      '4 url() https://images.example.com/hero.jpg',
      '5 image-set() https://a.example.com/x.png',
      '5 url() /local@2x.png',
      '7 url() /fonts/a.woff2',
    ]);
  });

  it('ignores comments and strings that are not fetched', () => {
    expect(urls('/* url(https://example.com/in-a-comment.png) */\n.a::before { content: "url(https://example.com/x)"; }')).toEqual([]);
  });

  it('reads a style attribute and a presentation attribute, custom properties included', () => {
    expect(urls("color: red; --hero: url('https://x.example.com/h.png')", 'declarationList')).toEqual([
      '1 url() https://x.example.com/h.png',
    ]);
    expect(urls('url(#arrow) red', 'value')).toEqual(['1 url() #arrow']);
  });

  it('still finds url() in CSS the parser cannot read, token by token', () => {
    expect(urls('.a { background: url(https://x.example.com/y.png) !!! broken; }')).toEqual(['1 url() https://x.example.com/y.png']);
    expect(urls('background:{ url("//cdn.example.com/z.png") }', 'declarationList')).toEqual(['1 url() //cdn.example.com/z.png']);
    expect(urls('url(https://a.example.com/a.png) ]] @import "https://b.example.com/b.css"', 'value')).toEqual([
      '1 url() https://a.example.com/a.png',
      '1 @import https://b.example.com/b.css',
    ]);
  });
});
