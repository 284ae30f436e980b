/** The deck in Firefox (laptops): Debian's firefox-esr, headless, through Puppeteer over WebDriver BiDi. */
import { describeEngine } from './checks.ts';
import { launchFirefox } from './firefox.ts';

// Firefox shares memory between threads in an isolated page: WebAssembly trains on every core (at most four).
describeEngine('Firefox', { launch: launchFirefox, trainAt: 'projector', sharedMemory: true });
