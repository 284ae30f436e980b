/**
 * "Explore the data": the Keras exploration of the source lecture, on the
 * real MNIST that this site serves. Needs only the manifest (for the shapes)
 * and the first training shard (for the digits): about 1 MB.
 */
import type { MountDemo } from '../../deck/demo.ts';
import { MnistError, MnistLoader } from '../../mnist/loader.ts';
import { mnistManifestUrl } from '../../mnist/url.ts';
import './explore.css';
import { createExploreView } from './view.ts';

/** Training image shown large, as in the source lecture's `digit = train_images[4]`. */
const INDEX = 4;
const GRID = 24;

export const mount: MountDemo = ({ root, stage, steps, print, signal }) => {
  const view = createExploreView(stage, GRID);
  const setState = (state: 'loading' | 'ready' | 'error') => root.setAttribute('data-state', state);

  async function load(): Promise<void> {
    setState('loading');
    view.showProgress(0, 'Loading the MNIST training data…');
    try {
      const loader = new MnistLoader({
        manifestUrl: mnistManifestUrl(),
        signal,
        onProgress: (p) => view.showProgress(p.loadedBytes / p.totalBytes, `Loading ${p.file}…`),
      });
      const manifest = await loader.manifest();
      const first = await loader.shards('train').next();
      if (first.done) throw new Error('the manifest lists no training shards');
      view.showData({ counts: manifest.counts, labels: first.value.labels, images: first.value.images, index: INDEX });
      setState('ready');
    } catch (error) {
      if (signal.aborted) return;
      setState('error');
      const message = error instanceof MnistError || error instanceof Error ? error.message : String(error);
      view.showError(message, () => void load());
    }
  }

  void load();
  if (print) view.step(steps);
  return {
    step: (n) => view.step(print ? steps : n),
  };
};
