/** TensorFlow.js on its WebAssembly backend under Node, for the training tests. */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { fileURLToPath } from 'node:url';

export async function wasmTf(): Promise<typeof tf> {
  setWasmPaths(fileURLToPath(new URL('../../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url)));
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend of TensorFlow.js did not start');
  return tf;
}
