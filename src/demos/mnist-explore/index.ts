/**
 * "Explore the data": the Keras exploration of the source lecture, on the
 * real MNIST that this site serves. Needs only the manifest (for the shapes)
 * and the first training shard (for the digits): about 1 MB. Mirrors get
 * the 24 digits they draw with the state, and download nothing.
 */
import type { Controller, DemoModule } from '../../contract/demo.ts';
import { IMAGE_BYTES } from '../../mnist/format.ts';
import { MnistError, MnistLoader } from '../../mnist/loader.ts';
import { mnistManifestUrl } from '../../mnist/url.ts';
import { firstExamples, initialState, type ExploreAction, type ExploreState } from './model.ts';
import type { ExploreParams } from './params.ts';
import { createView } from './view.ts';

const demo: DemoModule<ExploreParams, ExploreState, ExploreAction> = {
  initial: ({ params }) => initialState(params.show),
  view: createView,
  controller(context): Controller<ExploreAction> {
    let state = context.initial;
    const set = (next: Partial<ExploreState>) => {
      state = { ...state, ...next };
      context.render(state);
    };

    async function load(): Promise<void> {
      set({ status: 'loading', error: undefined, progress: { fraction: 0, text: 'Loading the MNIST training data…' } });
      try {
        const loader = new MnistLoader({
          manifestUrl: mnistManifestUrl(),
          signal: context.signal,
          onProgress: (p) => set({ progress: { fraction: p.loadedBytes / p.totalBytes, text: `Loading ${p.file}…` } }),
        });
        const manifest = await loader.manifest();
        const first = await loader.shards('train').next();
        if (first.done) throw new Error('the manifest lists no training shards');
        set({ status: 'ready', data: { counts: manifest.counts, ...firstExamples(first.value.labels, first.value.images, IMAGE_BYTES) } });
      } catch (error) {
        if (context.signal.aborted) return;
        set({ status: 'error', error: error instanceof MnistError || error instanceof Error ? error.message : String(error) });
      }
    }

    void load();
    return {
      act(action) {
        if (action.type === 'retry' && state.status === 'error') void load();
        else if (action.type === 'goto') set({ step: action.step });
      },
      step: (shown) => set({ step: shown }),
    };
  },
};

export const { initial, view, controller } = demo;
