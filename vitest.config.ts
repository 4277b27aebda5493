import { defineConfig, mergeConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import viteConfig from './vite.config.ts';
import { chromiumArgs, chromiumPath } from './tests/chromium.ts';

// Vitest's reporter uses Map.groupBy (Node ≥ 21); without it, a failing test crashes the report on Node 20.
if (!('groupBy' in Map)) {
  Object.defineProperty(Map, 'groupBy', {
    value<K, T>(items: Iterable<T>, key: (item: T, index: number) => K): Map<K, T[]> {
      const groups = new Map<K, T[]>();
      let i = 0;
      for (const item of items) {
        const k = key(item, i++);
        const list = groups.get(k);
        if (list) list.push(item);
        else groups.set(k, [item]);
      }
      return groups;
    },
  });
}

export default mergeConfig(
  viteConfig,
  defineConfig({
    test: {
      projects: [
        {
          extends: true,
          test: {
            name: 'unit',
            include: ['{src,workers,models,scripts}/**/*.spec.ts'],
            // ORT sessions on a busy 2-core machine outlast Vitest's 5 s / 10 s defaults (beforeAll opens some).
            testTimeout: 60_000,
            hookTimeout: 60_000,
            exclude: ['**/*.browser.spec.ts', 'node_modules/**'],
            environment: 'node',
          },
        },
        {
          extends: true,
          test: {
            name: 'browser',
            include: ['{src,workers,models,tests}/**/*.browser.spec.ts'],
            testTimeout: 60_000,
            hookTimeout: 60_000,
            fileParallelism: false,
            // Generates the fixture models and serves them in the Hub's layout (inject('modelServerURL')).
            globalSetup: ['tests/model-server/global-setup.ts'],
            browser: {
              enabled: true,
              headless: true,
              screenshotFailures: false,
              provider: playwright({
                launchOptions: { executablePath: chromiumPath(), args: chromiumArgs },
              }),
              instances: [{ browser: 'chromium' }],
            },
          },
        },
        {
          extends: true,
          test: {
            name: 'e2e',
            include: ['tests/e2e/**/*.e2e.ts'],
            environment: 'node',
            globalSetup: ['tests/e2e/global-setup.ts'],
            testTimeout: 90_000,
            hookTimeout: 60_000,
            fileParallelism: false,
          },
        },
      ],
    },
  }),
);
