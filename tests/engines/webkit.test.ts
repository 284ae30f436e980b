/** The deck in WebKit (every iPhone): WebKitGTK's MiniBrowser through WebKitWebDriver and selenium, under Xvfb. */
import { describeEngine } from './checks.ts';
import { launchWebKit } from './webkit.ts';

// WebKitGTK exposes no SharedArrayBuffer, even in an isolated page: WebAssembly trains on one thread there.
describeEngine('WebKit', { launch: launchWebKit, trainAt: 'phone', sharedMemory: false });
