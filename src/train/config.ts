/**
 * The training run's settings: the lecture's Keras program by default, with
 * the URL parameters that shorten it for a quick demo or a test.
 *
 *   ?backend=webgl        use this backend first (webgpu, webgl, wasm, cpu)
 *   ?train-size=384       train on the first N training examples
 *   ?test-size=1000       evaluate on the first N test examples
 *   ?epochs=2             train for N epochs
 *   ?loop=stock           train with tf.layers' model.fit instead (benchmark)
 */
export const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface TrainingConfig {
  /** Units of the hidden Dense layer (ReLU). */
  hidden: number;
  batchSize: number;
  epochs: number;
  /** RMSprop, with Keras' defaults. */
  learningRate: number;
  rho: number;
  epsilon: number;
  trainSize: number;
  testSize: number;
  /** Backends to try, in order. */
  backends: BackendName[];
  seed: number;
  /** The deck's own loop, or the stock `model.fit` (for the benchmark). */
  loop: 'deck' | 'stock';
}

/** Dense 512 relu, Dense 10 softmax, rmsprop, batch 128, 5 epochs, on all of MNIST. */
export const KERAS_PROGRAM: TrainingConfig = {
  hidden: 512,
  batchSize: 128,
  epochs: 5,
  learningRate: 0.001,
  rho: 0.9,
  epsilon: 1e-7,
  trainSize: 60000,
  testSize: 10000,
  backends: [...BACKENDS],
  seed: 42,
  loop: 'deck',
};

/** Reads the documented URL parameters; anything unusable is reported, not guessed. */
export function configFromQuery(query: URLSearchParams, base: TrainingConfig = KERAS_PROGRAM): { config: TrainingConfig; problems: string[] } {
  const config: TrainingConfig = { ...base, backends: [...base.backends] };
  const problems: string[] = [];
  const integer = (name: string, min: number, max: number): number | undefined => {
    const raw = query.get(name);
    if (raw === null) return undefined;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name}=${raw} is not a whole number from ${min} to ${max}; using the default`);
      return undefined;
    }
    return value;
  };
  config.trainSize = integer('train-size', 1, 60000) ?? config.trainSize;
  config.testSize = integer('test-size', 1, 10000) ?? config.testSize;
  config.epochs = integer('epochs', 1, 50) ?? config.epochs;
  if (query.get('loop') === 'stock') config.loop = 'stock';
  const backend = query.get('backend');
  if (backend !== null) {
    if ((BACKENDS as readonly string[]).includes(backend)) {
      config.backends = [backend as BackendName, ...BACKENDS.filter((b) => b !== backend)];
    } else {
      problems.push(`backend=${backend} is not one of ${BACKENDS.join(', ')}; trying them in order`);
    }
  }
  return { config, problems };
}
