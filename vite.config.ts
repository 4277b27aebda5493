import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import { modelsPlugin } from './scripts/vite-models-plugin.ts';
import { contentSecurityPolicy, parseModelHosts } from './src/lib/security/csp.ts';

// Threaded wasm (onnxruntime-web) needs cross-origin isolation; a static host must send these too.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};
// Mirrors the site allows besides the Hub (space-separated origins); the app reads the same variable.
const modelHosts = parseModelHosts(process.env.VITE_MODEL_HOSTS);
const headers = (dev: boolean) => ({
  ...isolation,
  // Not under Vitest: its browser runner's tester page is built from inline scripts.
  ...(process.env.VITEST ? {} : { 'Content-Security-Policy': contentSecurityPolicy({ modelHosts, dev }) }),
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
});

/** dist/_headers (the format Netlify and Cloudflare Pages read): the same headers for a static host. */
const staticHeaders = (): Plugin => ({
  name: 'static-headers',
  apply: 'build',
  generateBundle() {
    const lines = Object.entries(headers(false)).map(([name, value]) => `  ${name}: ${value}`);
    this.emitFile({ type: 'asset', fileName: '_headers', source: `/*\n${lines.join('\n')}\n` });
  },
});

export default defineConfig({
  plugins: [
    svelte(),
    // Serves models/ at /models/ in dev and preview (self-hosted and test models); never copied into the build.
    modelsPlugin(),
    staticHeaders(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['icons/*.svg', 'icons/*.png'],
      manifest: {
        name: 'Instruct Edit — image editing in plain language',
        short_name: 'Instruct Edit',
        description: 'Edit photos by typing what should change. Runs on your own GPU, offline after the first model download.',
        theme_color: '#17181c',
        background_color: '#17181c',
        display: 'standalone',
        start_url: '.',
        scope: '.',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icons/icon-512-maskable.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // The app shell only; model files are cached by the model runtime once the user asks for them.
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        globIgnores: ['**/ort-*.{mjs,wasm}', 'models/**'],
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
        navigateFallback: 'index.html',
      },
    }),
  ],
  server: { headers: headers(true) },
  preview: { headers: headers(false) },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: { target: 'es2022', sourcemap: true },
});
