export { Project, type ProjectOptions } from './project.svelte.ts';
export { HistoryStore, DEFAULT_DB_NAME, DEFAULT_STORE_NAME } from './store.ts';
export {
  StorageFullError,
  StorageWriteError,
  StorageReadError,
  HistoryReadError,
  ProjectMissingError,
  ProjectDamagedError,
  ProjectChangedError,
  ProjectReadOnlyError,
  isQuotaError,
} from './errors.ts';
export { storageEstimate, requestPersistence } from './storage.ts';
export type * from './types.ts';
export { BrowserTabs, NoTabs, type TabCoordinator, type TabEvent, type TabMessage, type Claim } from './tabs.ts';
