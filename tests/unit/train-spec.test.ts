/** Models, optimizers and runs as data: their presets, checks, descriptions and sizes. */
import { describe, expect, it } from 'vitest';
import {
  ADAM,
  CNN_RUN,
  KERAS_DENSE,
  KERAS_RUN,
  LOGISTIC,
  LOGISTIC_RUN,
  MOMENTUM,
  RMSPROP,
  SGD,
  SMALL_CNN,
  type ModelSpec,
} from '../../src/train/model/spec.ts';
import {
  describeModel,
  describeOptimizer,
  describeRun,
  parameterCount,
  resolveModel,
  validateModel,
  validateOptimizer,
  validateRun,
} from '../../src/train/model/spec-check.ts';

const model = (...layers: unknown[]) => ({ layers }) as ModelSpec;

describe('the presets', () => {
  it("hold the lecture's Keras program", () => {
    expect(KERAS_RUN).toEqual({
      model: { layers: [{ type: 'dense', units: 512, activation: 'relu' }] },
      optimizer: { type: 'rmsprop', rho: 0.9, epsilon: 1e-7 },
      learningRate: 0.001,
      batchSize: 128,
      epochs: 5,
      trainSize: 60000,
      seed: 42,
    });
    expect(LOGISTIC_RUN).toEqual({ ...KERAS_RUN, model: { layers: [] } });
  });

  it('count their parameters, the output layer included', () => {
    expect(parameterCount(LOGISTIC)).toBe(785 * 10);
    expect(parameterCount(KERAS_DENSE)).toBe(407050);
    // 5·5·1·8 + 8, 5·5·8·48 + 48, 768·128 + 128, 128·10 + 10.
    expect(parameterCount(SMALL_CNN)).toBe(208 + 9648 + 98432 + 1290);
  });

  it('are all valid runs', () => {
    for (const run of [KERAS_RUN, LOGISTIC_RUN, CNN_RUN]) expect(validateRun(run)).toEqual([]);
  });

  it('cannot be changed in place, since every run that starts from them shares them', () => {
    expect(() => {
      (KERAS_DENSE.layers[0] as { units: number }).units = 10;
    }).toThrow(TypeError);
    expect(() => {
      (KERAS_RUN as { epochs: number }).epochs = 1;
    }).toThrow(TypeError);
    expect(KERAS_RUN.model.layers[0]).toMatchObject({ units: 512 });
  });
});

describe('describing', () => {
  it('names each preset model in a few words', () => {
    expect(describeModel(LOGISTIC)).toBe('logistic regression');
    expect(describeModel(KERAS_DENSE)).toBe('Dense 512 ReLU');
    expect(describeModel(SMALL_CNN)).toBe('conv 5×5×8 → pool → conv 5×5×48 → pool → Dense 128 ReLU');
    expect(
      describeModel(model({ type: 'conv2d', filters: 4, kernel: 3, activation: 'tanh', padding: 'same' }, { type: 'maxpool', size: 3 })),
    ).toBe('conv 3×3×4 tanh same → pool 3×3');
  });

  it('names optimizers and runs', () => {
    expect([SGD, MOMENTUM, RMSPROP, ADAM].map(describeOptimizer)).toEqual(['SGD', 'SGD with momentum 0.9', 'RMSprop', 'Adam']);
    expect(describeRun(KERAS_RUN)).toBe('Dense 512 ReLU, RMSprop lr 0.001, batch 128, 5 epochs');
    expect(describeRun({ ...LOGISTIC_RUN, epochs: 1, trainSize: 1280 })).toBe(
      'logistic regression, RMSprop lr 0.001, batch 128, 1 epoch, 1,280 images',
    );
  });

  it('gives each layer its shapes, from the image to the ten outputs', () => {
    const { layers, problems } = resolveModel(SMALL_CNN);
    expect(problems).toEqual([]);
    expect(layers.map((l) => [l.label, l.inputShape, l.outputShape])).toEqual([
      ['conv 5×5×8', [28, 28, 1], [24, 24, 8]],
      ['pool', [24, 24, 8], [12, 12, 8]],
      ['conv 5×5×48', [12, 12, 8], [8, 8, 48]],
      ['pool', [8, 8, 48], [4, 4, 48]],
      ['Dense 128 ReLU', [4, 4, 48], [128]],
      ['Dense 10 softmax', [128], [10]],
    ]);
    expect(layers.map((l) => l.index)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('validateModel', () => {
  it('accepts the presets and a convnet with same padding', () => {
    for (const spec of [
      LOGISTIC,
      KERAS_DENSE,
      SMALL_CNN,
      model({ type: 'conv2d', filters: 4, kernel: 28, activation: 'relu', padding: 'same' }),
    ])
      expect(validateModel(spec)).toEqual([]);
  });

  it('names the layer and the problem, counting layers from 1', () => {
    expect(
      validateModel(model({ type: 'dense', units: 64, activation: 'relu' }, { type: 'conv2d', filters: 8, kernel: 3, activation: 'relu' })),
    ).toEqual(['layer 2: a conv2d layer cannot follow a dense layer']);
    expect(validateModel(model({ type: 'conv', filters: 8 }))).toEqual(['layer 1: unknown type "conv"; use dense, conv2d or maxpool']);
    expect(validateModel(model({ type: 'dense', units: 0, activation: 'elu' }))).toEqual([
      'layer 1: activation "elu" is not one of relu, tanh, sigmoid, linear',
      'layer 1: units must be a whole number from 1 to 4096 (got 0)',
    ]);
    expect(validateModel(model({ type: 'conv2d', filters: 8, kernel: 5, activation: 'relu', padding: 'full' }))).toEqual([
      'layer 1: padding "full" is not "valid" or "same"',
    ]);
  });

  it('finds kernels and pools that no longer fit the shrinking image', () => {
    const conv = (kernel: number) => ({ type: 'conv2d', filters: 4, kernel, activation: 'relu' });
    expect(validateModel(model(conv(5), { type: 'maxpool', size: 2 }, conv(5), { type: 'maxpool', size: 2 }, conv(5)))).toEqual([
      'layer 5: a 5×5 kernel does not fit the 4×4 input; use padding "same" or a smaller kernel',
    ]);
    expect(validateModel(model({ type: 'maxpool', size: 14 }, { type: 'maxpool', size: 3 }))).toEqual([
      'layer 2: a 3×3 pool does not fit the 2×2 input',
    ]);
    expect(validateModel(model({ type: 'maxpool', size: 1 }))).toEqual(['layer 1: size must be a whole number from 2 to 28 (got 1)']);
  });

  it('refuses what is not a model, or one too large to train here', () => {
    expect(validateModel({} as ModelSpec)).toEqual(['the model must be an object with a list of layers']);
    expect(
      validateModel(model({ type: 'dense', units: 4096, activation: 'relu' }, { type: 'dense', units: 4096, activation: 'relu' })),
    ).toEqual(['the model has 20,037,642 parameters; at most 10,000,000 train in a browser']);
  });
});

describe('validateOptimizer and validateRun', () => {
  it('check the hyper-parameters', () => {
    expect(validateOptimizer({ type: 'adam', beta1: 1, beta2: 0.999, epsilon: 0 })).toEqual([
      'adam beta1 must be a number from 0 up to 1 (got 1)',
      'adam epsilon must be a number between 0 and 1 (got 0)',
    ]);
    expect(validateOptimizer({ type: 'nadam' } as never)).toEqual(['unknown optimizer "nadam"; use sgd, momentum, rmsprop or adam']);
  });

  it('check every field of a run, the model and optimizer included', () => {
    expect(
      validateRun({
        ...KERAS_RUN,
        model: model({ type: 'dense', units: 1.5, activation: 'relu' }),
        learningRate: 0,
        batchSize: 0,
        epochs: 2.5,
        trainSize: 70000,
        seed: -1,
      }),
    ).toEqual([
      'layer 1: units must be a whole number from 1 to 4096 (got 1.5)',
      'the learning rate must be a number above 0 and at most 10 (got 0)',
      'the batch size must be a whole number from 1 to 60,000 (got 0)',
      'the number of epochs must be a whole number from 1 to 1,000 (got 2.5)',
      'the training set size must be a whole number from 1 to 60,000 (got 70000)',
      'the seed must be a whole number from 0 to 2^32 − 1 (got -1)',
    ]);
  });
});
