/**
 * "Tensor ranks": each click adds a rank, up to MNIST and the reshape to
 * (60000, 784). The first MNIST training image is fetched (from the verified
 * shards) when the figure reaches MNIST, and sent to mirrors with the state.
 */
import type { Controller, DemoModule, NoParams } from '../../contract/demo.ts';
import { IMAGE_BYTES } from '../../mnist/format.ts';
import { MnistLoader } from '../../mnist/loader.ts';
import { mnistManifestUrl } from '../../mnist/url.ts';
import { FIRST_MNIST_STAGE, reduce, STAGES, type TensorsAction, type TensorsState } from './model.ts';
import { createView } from './view.ts';

const demo: DemoModule<NoParams, TensorsState, TensorsAction> = {
  initial: () => ({ stage: 0, digit: null }),
  view: createView,
  controller(context): Controller<TensorsAction> {
    let state = context.initial;
    let loading: Promise<void> | undefined;
    const act = (action: TensorsAction) => {
      state = reduce(state, action);
      context.render(state);
      if (state.stage >= FIRST_MNIST_STAGE) loading ??= loadDigit();
    };
    const loadDigit = async () => {
      try {
        const first = await new MnistLoader({ manifestUrl: mnistManifestUrl(), signal: context.signal }).shards('train').next();
        if (!first.done) act({ type: 'digit', digit: first.value.images.slice(0, IMAGE_BYTES) });
      } catch {
        if (!context.signal.aborted) act({ type: 'digit', digit: 'error' });
      }
    };
    context.render(state);
    return {
      act,
      step: (shown) => act({ type: 'goto', stage: shown }),
      // Paper shows the ranks side by side (see view.ts); no MNIST needed.
      print: () => context.render({ ...state, stage: STAGES.length - 1 }),
    };
  },
};

export const { initial, view, controller } = demo;
