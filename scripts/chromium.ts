/**
 * Which Chromium the browser tests use, and how it is launched.
 *
 * Playwright must not download a browser (this project is built on machines
 * that cannot). We look, in order, at:
 *   1. CHROMIUM_PATH, if set (a Chrome or Chromium executable);
 *   2. /usr/bin/chromium (Debian's package: apt-get install -y chromium);
 *   3. a Chromium that Playwright installed earlier (npx playwright install chromium).
 * Otherwise we stop and say what to install.
 */
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv))
      throw new Error(
        `CHROMIUM_PATH is set to ${fromEnv}, but there is no file there. Point it at a Chrome or Chromium executable, or unset it.`,
      );
    return fromEnv;
  }
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  try {
    const installed = chromium.executablePath();
    if (installed && existsSync(installed)) return installed;
  } catch {
    // Playwright has no browser of its own here; fall through to the message.
  }
  throw new Error(
    'No Chromium found for the browser tests. Install one with `apt-get install -y chromium` (Debian/Ubuntu), ' +
      'or set CHROMIUM_PATH=/path/to/chromium, or run `npx playwright install chromium` where downloads are allowed.',
  );
}

/**
 * Flags for a headless Chromium with WebGPU on a machine without a GPU
 * (SwiftShader), that never tries to reach the network on its own.
 */
export function chromiumArgs(): string[] {
  const args = [
    '--enable-unsafe-webgpu',
    '--use-webgpu-adapter=swiftshader',
    '--enable-unsafe-swiftshader',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-default-apps',
  ];
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  return args;
}
