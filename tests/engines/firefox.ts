/**
 * Firefox as attendees' laptops run it: Debian's firefox-esr, headless,
 * driven by puppeteer-core over WebDriver BiDi (Firefox's own remote
 * protocol; Puppeteer downloads nothing). Each launch gets a new profile,
 * so no service worker or cache survives from an earlier run.
 */
import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type KeyInput } from 'puppeteer-core';
import type { EnginePage, Key } from './engine.ts';

/** Debian's Firefox ESR, which .ci/run installs; FIREFOX_PATH names another. */
export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/** Starts Firefox and opens one page. Rejects with what to install when Firefox is missing. */
export async function launchFirefox(): Promise<EnginePage> {
  if (!existsSync(FIREFOX))
    throw new Error(
      `Firefox is not installed: ${FIREFOX} does not exist. Install Debian's firefox-esr (apt-get install firefox-esr, as .ci/run does), or set FIREFOX_PATH.`,
    );
  const browser: Browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true });
  const version = (await browser.version()).replace(/^firefox\//i, '');
  const page = (await browser.pages())[0] ?? (await browser.newPage());
  return {
    name: `Firefox ${version}`,
    resize: async (width, height) => {
      // Puppeteer 25 also sends emulation.setScreenOrientationOverride, which Firefox 140 ESR does not know. Its
      // refusal can come back before browsingContext.setViewport, sent with it, has taken effect: wait for that.
      await page.setViewport({ width, height }).catch((error: unknown) => {
        if (!String(error).includes('setScreenOrientationOverride')) throw error;
      });
      // (Polled with evaluate: waitForFunction compiles with Function(), which the deck's policy refuses.)
      for (let i = 0; i < 50 && !(await page.evaluate((w, h) => innerWidth === w && innerHeight === h, width, height)); i++)
        await new Promise((resolve) => setTimeout(resolve, 100));
    },
    goto: async (url) => {
      await page.goto(url, { waitUntil: 'load' });
    },
    evaluate: (fn, ...args) => page.evaluate(fn as never, ...args) as never,
    press: (key: Key) => page.keyboard.press(key as KeyInput),
    close: () => browser.close(),
  };
}
