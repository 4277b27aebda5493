// The editor's models: the chosen profile (persisted), this device's capabilities (probed once), and
// one ModelManager for that profile, replaced when the profile changes. The one owner of the manager.
import type { Role } from '../../../models/manifest.ts';
import { describeGpu, probeCapabilities, type Capabilities } from '../../../workers/runtime/capabilities.ts';
import { DEFAULT_ROLES, manifestPins, modelEntries, type ModelEntry } from './catalog.ts';
import { fixturePins } from './fixture-pins.ts';
import { ModelManager } from './manager.svelte.ts';
import { ORT_WASM_PATHS } from './ort-wasm.ts';
import { capabilityNotes, entrySize, sumSizes, type CapabilityNote, type DeviceSupport } from './presentation.ts';
import { catalogCaps, checkHost, loadProfile, profileSource, sameOrigin, saveProfile, storeDir, type ModelProfile } from './profile.ts';
import { fileURL } from './sources.ts';
import { parseModelHosts } from '../security/csp.ts';
import { type BudgetGuess, DISCRETE_BUDGET, defaultBudget, loadBudgetSetting, saveBudgetSetting, stageCosts, stageCostsFromFiles, type StageCosts } from './gpu-budget.ts';
import { ModelStore } from './store.ts';

/** The page's origin and the extra model hosts its build allows (the same list its CSP header names). */
const pageHosts = () => ({ origin: globalThis.location?.origin ?? 'null', modelHosts: parseModelHosts(import.meta.env.VITE_MODEL_HOSTS) });

export interface AppModelsOptions {
  roles?: readonly Role[];
  /** Where the profile is kept (default localStorage; null keeps it for this page only). */
  storage?: Pick<Storage, 'getItem' | 'setItem'> | null;
  probe?: () => Promise<Capabilities>;
  /** Opens the store for an OPFS folder (null: the root); see `storeDir`. */
  openStore?: (dir: string | null) => Promise<ModelStore>;
  fetch?: typeof fetch;
  /** Same-origin runtime files kept with the models (default: onnxruntime-web's wasm). */
  runtime?: string[];
}

export class AppModels {
  readonly roles: readonly Role[];
  profile = $state.raw<ModelProfile>({ kind: 'hub', host: '' });
  support = $state.raw<DeviceSupport | null>(null);
  manager = $state.raw<ModelManager | null>(null);
  /** Bytes of the runtime files (null until a same-origin HEAD answered). */
  runtimeBytes = $state<number | null>(null);
  /** False when the browser would not store the profile (it then lasts for this page). */
  profileSaved = $state(true);
  /** This device's capabilities, once probed. */
  caps = $state.raw<Capabilities | null>(null);
  /** The person's GPU memory budget for models in bytes; null: the guess from the adapter. */
  budgetSetting = $state<number | null>(null);
  /** The default budget, guessed from the adapter (gpu-budget.ts). */
  readonly budgetGuess: BudgetGuess | null = $derived(this.caps ? defaultBudget(this.caps, (globalThis.navigator as { deviceMemory?: number } | undefined)?.deviceMemory) : null);
  /** The budget the GPU plan keeps the models within. */
  readonly budget: number = $derived(this.budgetSetting ?? this.budgetGuess?.bytes ?? DISCRETE_BUDGET);
  /**
   * Each stage's estimated GPU bytes: the real set's from the manifest, or the test models'
   * measured files (the server told their sizes), which are tiny.
   */
  readonly stageCosts: StageCosts = $derived(
    this.profile.kind === 'fixtures' ? stageCostsFromFiles(this.manager?.entries ?? []) : stageCosts(catalogCaps(this.profile, { shaderF16: this.caps?.shaderF16 ?? false })),
  );
  error = $state<string | null>(null);

  readonly totalSize = $derived(this.manager ? sumSizes(this.manager.entries.map(entrySize)) : { bytes: 0, unknown: 0 });

  readonly #options: AppModelsOptions;
  // One store per OPFS folder, opened once. Bookkeeping, not UI state.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #stores = new Map<string | null, Promise<ModelStore>>();
  #generation = 0;
  #disposed = false;
  /** Settles once the first manager exists (or failed). */
  readonly ready: Promise<void>;

  constructor(options: AppModelsOptions = {}) {
    this.#options = options;
    this.roles = options.roles ?? DEFAULT_ROLES;
    this.profile = loadProfile(options.storage);
    this.budgetSetting = loadBudgetSetting(options.storage);
    this.ready = this.#create(this.profile);
  }

  /** What this device can run with these roles (reads reactive state: recomputed where it is read). */
  get notes(): CapabilityNote[] {
    return this.support ? capabilityNotes(this.support, this.roles, this.profile.kind) : [];
  }

  get #fetch(): typeof fetch {
    return this.#options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** Sets the GPU memory budget (null: back to the guess); false when the browser would not store it (it lasts for this page). */
  setBudget(bytes: number | null): boolean {
    this.budgetSetting = bytes;
    return saveBudgetSetting(bytes, this.#options.storage);
  }

  /** Switches the profile: the old manager's downloads stop (parts are kept), a new manager reads the store. */
  async setProfile(next: ModelProfile): Promise<void> {
    // The host field's value reaches here only through this check: a refused host is never stored.
    const host = checkHost(next.host, next.kind === 'hub' ? pageHosts() : undefined);
    const profile = { kind: next.kind, host };
    this.profileSaved = saveProfile(profile, this.#options.storage);
    this.profile = profile;
    await this.#create(profile);
  }

  async #create(profile: ModelProfile): Promise<void> {
    const generation = ++this.#generation;
    this.manager?.dispose();
    this.manager = null;
    this.error = null;
    try {
      const caps = await (this.#options.probe ?? probeCapabilities)();
      this.caps = caps;
      this.support = { webgpu: caps.webgpu, shaderF16: caps.shaderF16, reason: caps.reason, gpu: describeGpu(caps) };
      // Test models are checked against the sizes and hashes computed from the generated files.
      const pins = profile.kind === 'fixtures' ? await fixturePins(this.#fetch) : manifestPins;
      const entries = modelEntries(this.roles, catalogCaps(profile, { shaderF16: caps.shaderF16 }), pins);
      const runtime = this.#options.runtime ?? Object.values(ORT_WASM_PATHS);
      const dir = storeDir(profile);
      if (!this.#stores.has(dir)) this.#stores.set(dir, (this.#options.openStore ?? ModelStore.openIn)(dir));
      // Exact sizes come from same-origin HEADs; offline there is nothing to ask (and an installed
      // editor must open with no request), so the manifest's listing sizes stand.
      const online = globalThis.navigator?.onLine !== false;
      const [store, , runtimeBytes] = await Promise.all([
        this.#stores.get(dir)!,
        online && sameOrigin(profile) ? this.#measure(entries, profile) : null,
        this.runtimeBytes === null && online ? this.#sumHeads(runtime) : this.runtimeBytes,
      ]);
      if (generation !== this.#generation || this.#disposed) return;
      this.runtimeBytes = runtimeBytes;
      const manager = new ModelManager({ entries, store, source: profileSource(profile), fetch: this.#options.fetch, runtime });
      this.manager = manager;
      await manager.refresh();
    } catch (error) {
      if (generation === this.#generation) this.error = (error as Error).message;
    }
  }

  /** Same-origin servers tell exact sizes: a HEAD per file replaces the manifest's listing sizes (the test models are far smaller). */
  async #measure(entries: ModelEntry[], profile: ModelProfile): Promise<void> {
    const source = profileSource(profile);
    await Promise.all(
      entries.flatMap((e) =>
        e.files.map(async (f) => {
          const n = await this.#head(fileURL(source, e.ref, f.path));
          if (n !== null) f.approxBytes = n;
        }),
      ),
    );
  }

  async #sumHeads(urls: string[]): Promise<number | null> {
    const sizes = await Promise.all(urls.map((u) => this.#head(u)));
    return sizes.every((n) => n !== null) ? sizes.reduce((a, n) => a + n, 0) : null;
  }

  async #head(url: string): Promise<number | null> {
    try {
      const r = await this.#fetch(url, { method: 'HEAD', cache: 'no-store' });
      const n = Number(r.headers.get('content-length'));
      return r.ok && r.headers.get('content-length') !== null && Number.isFinite(n) ? n : null;
    } catch {
      return null;
    }
  }

  dispose(): void {
    this.#disposed = true;
    this.#generation++;
    this.manager?.dispose();
    this.manager = null;
  }
}
