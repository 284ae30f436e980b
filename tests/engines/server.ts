/**
 * The deck as the engine tests see it: scripts/serve.ts over dist/ on a free
 * port, behind a small proxy of the tests' own on another free port, which
 * adds one script to every HTML page it forwards, `/__test/problems.js`.
 *
 * Why a proxy: WebKitWebDriver speaks classic WebDriver only (no BiDi), so
 * nothing can listen to a WebKit page from the outside, and a listener
 * added with executeScript after a load misses whatever went wrong during
 * it, which is exactly when reveal.js lays out. MiniBrowser's own
 * `--enable-write-console-messages-to-stdout` does not reach the web views
 * an automation session opens. The injected script runs before any of the
 * deck's modules and records uncaught errors, unhandled rejections and
 * content security violations on the page itself; it is a same-origin file,
 * which the deck's policy (script-src 'self') allows, so the deck's own
 * files and headers are served unchanged. Firefox gets the same script, so
 * that both engines are judged by one rule.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { serve } from '../../scripts/serve.ts';
import { ISOLATION_HEADERS } from '../../src/sw/isolation.ts';
import { recordProblems } from './recorder.ts';

/** Where the recorder is served; the proxy answers it itself. */
export const RECORDER_PATH = '/__test/problems.js';

const RECORDER = `(${recordProblems.toString()})();\n`;

/** The deck behind the proxy. */
export interface DeckServer {
  /** The proxy's origin, e.g. http://localhost:40123, which the browsers open. */
  origin: string;
  close(): Promise<void>;
}

/** Reads a whole response body, decoded from the encoding the server chose. */
async function decodedBody(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const encoding = response.headers['content-encoding'];
  const plain = encoding === 'br' ? brotliDecompressSync(body) : encoding === 'gzip' ? gunzipSync(body) : body;
  return plain.toString('utf8');
}

/** The page with the recorder as the first element of its head, so that it runs before anything of the deck's. */
export function withRecorder(html: string): string {
  const tag = `<script src="${RECORDER_PATH}"></script>`;
  const head = /<head[^>]*>/i.exec(html);
  if (!head) throw new Error('The page has no <head> to put the problem recorder in.');
  const at = head.index + head[0].length;
  return html.slice(0, at) + tag + html.slice(at);
}

/** Starts scripts/serve.ts over `dir` and the recording proxy in front of it, each on a free port of localhost. */
export async function startDeck(dir = 'dist'): Promise<DeckServer> {
  const deck = await serve({ dir, base: '/', port: 0, host: false, isolation: true });
  const upstream = { host: 'localhost', port: deck.port };

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    if (req.url === RECORDER_PATH) {
      res.writeHead(200, { ...ISOLATION_HEADERS, 'content-type': 'text/javascript', 'cache-control': 'no-store' }).end(RECORDER);
      return;
    }
    const out = request({ ...upstream, method: req.method, path: req.url, headers: req.headers }, (response) => {
      const type = String(response.headers['content-type'] ?? '');
      if (!type.startsWith('text/html') || response.statusCode !== 200) {
        res.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(res);
        return;
      }
      void decodedBody(response).then((html) => {
        const body = Buffer.from(withRecorder(html));
        const headers = { ...response.headers, 'content-length': String(body.length) };
        delete headers['content-encoding'];
        delete headers.etag;
        res.writeHead(200, headers).end(body);
      });
    });
    out.on('error', (error) => res.writeHead(502, { 'content-type': 'text/plain' }).end(String(error)));
    req.pipe(out);
  };

  const proxy = createServer(forward);
  // The room's relay upgrades to a WebSocket: the bytes pass through untouched.
  proxy.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
    const back = connect(upstream.port, upstream.host, () => {
      const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      back.write(`${lines.join('\r\n')}\r\n\r\n`);
      back.write(head);
      back.pipe(socket);
      socket.pipe(back);
    });
    back.on('error', () => socket.destroy());
    socket.on('error', () => back.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, 'localhost', resolve));
  const port = (proxy.address() as AddressInfo).port;
  return {
    origin: `http://localhost:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        proxy.close(() => resolve());
        proxy.closeAllConnections();
      });
      await deck.close();
    },
  };
}
