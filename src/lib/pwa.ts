import { registerSW } from 'virtual:pwa-register';
import type { Notices } from './ui/notices.svelte.ts';

/**
 * Registers the app-shell service worker (production builds only) and offers a reload when a new
 * version is waiting. Returns a function that stops listening.
 */
export function registerServiceWorker(notices: Notices): () => void {
  if (import.meta.env.DEV || !('serviceWorker' in navigator)) return () => {};
  let active = true;
  const update = registerSW({
    onNeedRefresh() {
      if (!active) return;
      notices.show('info', 'A new version of the editor is ready', 'Reload to use it; your history is kept.', [
        { label: 'Reload', run: () => update(true) },
      ]);
    },
    onOfflineReady() {
      if (active) notices.info('Ready to work offline', 'The editor now opens without a network connection.');
    },
    onRegisterError(error) {
      console.warn('Service worker registration failed', error);
    },
  });
  return () => {
    active = false;
  };
}
