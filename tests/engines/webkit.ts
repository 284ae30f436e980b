/**
 * WebKit, the engine of every iPhone, as Debian ships it: WebKitGTK's
 * MiniBrowser, driven by selenium-webdriver through webkit2gtk-driver's
 * WebKitWebDriver, on a virtual X display of its own (`xvfb-run -a`).
 *
 * Phone width: MiniBrowser's toolbar (back, forward, reload, the address
 * entry…) asks GTK for at least 447 px, so the window refuses to be the
 * 390 px of an iPhone, and a 447 px page is wider than the deck's phone
 * layout (435 px). MiniBrowser's `--geometry` is ignored ("kept for
 * backwards-compatibility only"). GTK 3 reads a user stylesheet from
 * $XDG_CONFIG_HOME/gtk-3.0/gtk.css, so the driver gets a private config
 * folder whose stylesheet lets every widget shrink to nothing: the
 * toolbar then takes 20 px, the window any width, and the page its exact
 * size once the toolbar's height is added back (resize, below). GTK's
 * styles do not reach the page's own content. The same folder is the
 * browser's data and cache home, so that nothing (a service worker
 * included) survives from one run to the next.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Builder, Key as SeleniumKey, type WebDriver } from 'selenium-webdriver';
import type { EnginePage, Key } from './engine.ts';

/** webkit2gtk-driver's WebDriver server, which .ci/run installs; WEBKIT_WEBDRIVER names another. */
export const WEBKIT_WEBDRIVER = process.env.WEBKIT_WEBDRIVER ?? '/usr/bin/WebKitWebDriver';
const XVFB_RUN = '/usr/bin/xvfb-run';

/** MiniBrowser, which WebKitGTK installs beside its helper processes (/usr/lib/<arch>/webkit2gtk-4.x/). */
export function findMiniBrowser(): string | undefined {
  if (process.env.WEBKIT_MINIBROWSER) return process.env.WEBKIT_MINIBROWSER;
  for (const lib of ['/usr/lib', '/usr/libexec']) {
    if (!existsSync(lib)) continue;
    for (const arch of ['', ...readdirSync(lib)]) {
      for (const version of ['webkit2gtk-4.1', 'webkit2gtk-4.0', 'webkitgtk-6.0']) {
        const binary = join(lib, arch, version, 'MiniBrowser');
        if (existsSync(binary)) return binary;
      }
    }
  }
  return undefined;
}

/** The GTK stylesheet that lets MiniBrowser's toolbar, and so its window, shrink to a phone's width. */
const SHRINKABLE = '* { min-width: 0; min-height: 0; padding: 0; margin: 0; border-width: 0; font-size: 1px; }\n';

const KEYS: Record<Key, string> = { ArrowRight: SeleniumKey.ARROW_RIGHT, ArrowLeft: SeleniumKey.ARROW_LEFT, t: 't' };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Waits until the driver answers /status, or says why it could not start. */
async function driverReady(url: string, driver: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (driver.exitCode !== null) throw new Error(`WebKitWebDriver exited with code ${driver.exitCode}: ${output()}`);
    try {
      if ((await fetch(`${url}/status`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`WebKitWebDriver did not answer within 20 s: ${output()}`);
}

/** Starts WebKitWebDriver on a display of its own, MiniBrowser through it, and opens one page. Rejects with what to install when something is missing. */
export async function launchWebKit(): Promise<EnginePage> {
  const miniBrowser = findMiniBrowser();
  const missing = [
    existsSync(WEBKIT_WEBDRIVER) ? undefined : `${WEBKIT_WEBDRIVER} (Debian's webkit2gtk-driver)`,
    miniBrowser ? undefined : "MiniBrowser (Debian's libwebkit2gtk-4.1-0)",
    existsSync(XVFB_RUN) ? undefined : `${XVFB_RUN} (Debian's xvfb and xauth)`,
  ].filter(Boolean);
  if (missing.length > 0)
    throw new Error(
      `WebKitGTK cannot be driven: missing ${missing.join(', ')}. Install webkit2gtk-driver, xvfb and xauth (as .ci/run does), or set WEBKIT_WEBDRIVER and WEBKIT_MINIBROWSER.`,
    );

  const home = mkdtempSync(join(tmpdir(), 'deck-webkit-'));
  mkdirSync(join(home, 'gtk-3.0'));
  writeFileSync(join(home, 'gtk-3.0', 'gtk.css'), SHRINKABLE);
  const port = await freePort();
  // Its own process group, so that closing ends xvfb-run, Xvfb, the driver and the browser together, and nothing else.
  const process_ = spawn(XVFB_RUN, ['-a', '-s', '-screen 0 1600x1000x24', WEBKIT_WEBDRIVER, `--port=${port}`, '--replace-on-new-session'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, XDG_CONFIG_HOME: home, XDG_DATA_HOME: join(home, 'data'), XDG_CACHE_HOME: join(home, 'cache') },
  });
  let output = '';
  process_.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  process_.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const stop = () => {
    try {
      if (process_.pid !== undefined && process_.exitCode === null) process.kill(-process_.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
    rmSync(home, { recursive: true, force: true });
  };

  let driver: WebDriver;
  try {
    const server = `http://127.0.0.1:${port}`;
    await driverReady(server, process_, () => output);
    driver = await new Builder()
      .usingServer(server)
      .withCapabilities({ browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: miniBrowser, args: ['--automation'] } })
      .build();
  } catch (error) {
    stop();
    throw error;
  }
  const version = String((await driver.getCapabilities()).get('browserVersion') ?? '');

  return {
    name: `WebKitGTK ${version}`,
    resize: async (width, height) => {
      const window = driver.manage().window();
      const inner = async () => (await driver.executeScript('return [innerWidth, innerHeight]')) as [number, number];
      // The window holds the toolbar too: grow it by whatever the page lacks, measured once the window has settled.
      let [outerWidth, outerHeight] = [width, height];
      for (let attempt = 0; attempt < 5; attempt++) {
        await window.setRect({ width: outerWidth, height: outerHeight });
        let seen = await inner();
        for (let i = 0; i < 20; i++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          const now = await inner();
          if (now[0] === seen[0] && now[1] === seen[1]) break;
          seen = now;
        }
        if (seen[0] === width && seen[1] === height) return;
        outerWidth += width - seen[0];
        outerHeight += height - seen[1];
      }
      throw new Error(`MiniBrowser's page did not take ${width} × ${height} px.`);
    },
    goto: (url) => driver.get(url),
    evaluate: (fn, ...args) => driver.executeScript(fn as never, ...args) as never,
    press: (key) => driver.actions().sendKeys(KEYS[key]).perform(),
    close: async () => {
      try {
        await driver.quit();
      } finally {
        stop();
      }
    },
  };
}
