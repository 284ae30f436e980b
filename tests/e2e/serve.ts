/**
 * Serves the built site (dist/) for the browser tests, the way a static host
 * would: under the configured base path, with gzip where the browser asks.
 * Not `astro preview`, which allows only one running instance per project
 * and so would clash with a presenter's `npm start`.
 *
 *   node tests/e2e/serve.ts [port]    (BASE_PATH is read from the environment)
 */
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import sirv from 'sirv';

const port = Number(process.argv[2] ?? process.env.E2E_PORT ?? 4322);
const base = (process.env.BASE_PATH ?? '/').replace(/\/?$/, '/');
const root = process.env.DIST_DIR ?? 'dist';
if (!existsSync(`${root}/index.html`)) {
  console.error(`${root}/index.html does not exist: build the site first with \`npm run build\`.`);
  process.exit(1);
}
const files = sirv(root, { dev: false, etag: true, gzip: true, brotli: false, extensions: ['html'] });

createServer((req, res) => {
  const url = req.url ?? '/';
  if (!url.startsWith(base)) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end(`Not under the base path ${base}`);
    return;
  }
  req.url = `/${url.slice(base.length)}`;
  files(req, res, () => {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
  });
}).listen(port, 'localhost', () => console.log(`serving ${root} at http://localhost:${port}${base}`));
