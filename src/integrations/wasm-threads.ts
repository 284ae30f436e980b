/**
 * A Vite plugin that lets TensorFlow.js's threaded WebAssembly build run
 * once bundled.
 *
 * The wasm backend starts its threads (Emscripten pthreads) as workers that
 * load the backend's factory function from a Blob made of
 * `factory.toString()`. That only works if the function uses nothing from
 * outside itself, and the Emscripten wrapper of tfjs-backend-wasm 4.22
 * declares `_scriptDir` one scope out. Bundled and minified, that variable
 * gets a short name (`e`) that the Blob does not have, and every thread dies
 * with "e is not defined" while the page waits for them. The plugin moves the
 * two lines that define it into the function, which changes nothing else.
 */
import type { Plugin } from 'vite';

const FILE = /tfjs-backend-wasm[\\/]wasm-out[\\/]tfjs-backend-wasm-threaded-simd\.js$/;
const OUTER = `  var _scriptDir = typeof document !== 'undefined' && document.currentScript ? document.currentScript.src : undefined;
  if (typeof __filename !== 'undefined') _scriptDir = _scriptDir || __filename;
  return (
function(WasmBackendModuleThreadedSimd) {
`;

/** Rewrites the wrapper so that the factory is self-contained; fails the build if the file is not the one it knows. */
export function selfContainedWasmThreads(): Plugin {
  return {
    name: 'self-contained-wasm-threads',
    enforce: 'pre',
    transform(code, id) {
      if (!FILE.test(id.split('?')[0]!)) return undefined;
      if (!code.includes(OUTER)) {
        this.error(
          'tfjs-backend-wasm-threaded-simd.js is not the 4.22 file this plugin knows: check src/integrations/wasm-threads.ts after an upgrade',
        );
      }
      const [declare, fallback] = OUTER.split('\n');
      return { code: code.replace(OUTER, `  return (\nfunction(WasmBackendModuleThreadedSimd) {\n${declare}\n${fallback}\n`), map: null };
    },
  };
}
