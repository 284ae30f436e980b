/**
 * The stock TensorFlow.js way to train the same network, for the benchmark
 * (`?loop=stock`): tf.layers and `model.fit`, as the tfjs-examples MNIST demo
 * does, on the same data, batch size, optimizer settings and epochs. It
 * reports batches the way the deck's own loop does, so the slide can show
 * either, side by side in one browser.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { CLASSES, IMAGE_BYTES } from '../../mnist/format.ts';
import type { TrainingConfig } from '../model/config.ts';
import type { BatchReport } from '../model/loop.ts';

export async function trainStock(
  tf: typeof tfc,
  config: TrainingConfig,
  train: { labels: Uint8Array; images: Uint8Array },
  onBatches: (batches: BatchReport[]) => void,
  shouldStop: () => boolean,
): Promise<void> {
  // model.fit differentiates automatically; tfjs-core alone knows no gradients.
  await import('@tensorflow/tfjs-core/dist/register_all_gradients');
  const tfl = await import('@tensorflow/tfjs-layers');
  const n = Math.min(config.trainSize, train.labels.length);
  const model = tfl.sequential();
  // The benchmark's baseline covers the dense networks (the lecture's among them).
  config.model.layers.forEach((layer, i) => {
    if (layer.type !== 'dense') throw new Error(`the stock loop trains dense networks only; layer ${i + 1} is a ${layer.type}`);
    model.add(tfl.layers.dense({ units: layer.units, activation: layer.activation, ...(i === 0 ? { inputShape: [IMAGE_BYTES] } : {}) }));
  });
  model.add(
    tfl.layers.dense({ units: CLASSES, activation: 'softmax', ...(config.model.layers.length === 0 ? { inputShape: [IMAGE_BYTES] } : {}) }),
  );
  const o = config.optimizer;
  const optimizer =
    o.type === 'rmsprop'
      ? tf.train.rmsprop(config.learningRate, o.rho, 0, o.epsilon)
      : o.type === 'adam'
        ? o.decay
          ? (() => {
              throw new Error('the stock loop has no Adam with decay; use the deck’s loop');
            })()
          : tf.train.adam(config.learningRate, o.beta1, o.beta2, o.epsilon)
        : o.type === 'momentum'
          ? tf.train.momentum(config.learningRate, o.momentum)
          : tf.train.sgd(config.learningRate);
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const xs = tf.tidy(() => tf.div(tf.tensor2d(Float32Array.from(train.images.subarray(0, n * IMAGE_BYTES)), [n, IMAGE_BYTES]), 255));
  const ys = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from(train.labels.subarray(0, n)), 'int32'), CLASSES), 'float32'));
  const stepsPerEpoch = Math.ceil(n / config.batchSize);
  let step = 0;
  let epoch = 0;
  try {
    await model.fit(xs, ys, {
      epochs: config.epochs,
      batchSize: config.batchSize,
      shuffle: true,
      callbacks: {
        onEpochBegin: async (e) => {
          epoch = e + 1;
        },
        onBatchEnd: async (batch, logs) => {
          step += 1;
          onBatches([
            {
              epoch,
              stepInEpoch: batch + 1,
              stepsPerEpoch,
              step,
              loss: Number(logs?.loss),
              accuracy: Number(logs?.acc),
              size: config.batchSize,
            },
          ]);
          if (shouldStop()) model.stopTraining = true;
          // As the tfjs-examples demo does, let the event loop breathe.
          await new Promise((resolve) => setTimeout(resolve, 0));
        },
      },
    });
  } finally {
    xs.dispose();
    ys.dispose();
    model.dispose();
    // model.dispose() leaves the optimizer's running means alive.
    optimizer.dispose();
  }
}
