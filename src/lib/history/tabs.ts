/**
 * One writer per project across this browser's tabs. A tab that opens a project claims it with an
 * exclusive Web Lock named after the project; a second tab that opens it finds the lock held and
 * shows the project read-only, until the person moves editing there (`steal`), which makes the
 * first tab read-only. Writes are announced on a BroadcastChannel so read-only tabs follow them.
 * The revision check of every project write (HistoryStore) is what guarantees no edit is lost;
 * this only keeps a second tab from running into it.
 */

/** What a tab tells the others about a project. */
export type TabMessage =
  | { kind: 'changed'; projectId: string; revision: number }
  | { kind: 'deleted'; projectId: string };

/** What reaches the project: another tab's message, or `taken`: another tab took this tab's claim. */
export type TabEvent = TabMessage | { kind: 'taken'; projectId: string };

/** This tab's claim on one project; `release` lets another tab claim it. */
export interface Claim {
  readonly projectId: string;
  release(): void;
}

export interface TabCoordinator {
  /**
   * Claims the project for this tab. Null when another tab holds it, unless `steal`: then that tab
   * loses its claim (it receives `taken`) and this one gets it.
   */
  claim(projectId: string, options?: { steal?: boolean }): Promise<Claim | null>;
  announce(message: TabMessage): void;
  /** Receives other tabs' messages and the loss of a claim. */
  onevent: ((event: TabEvent) => void) | null;
  dispose(): void;
}

const isMessage = (m: unknown): m is TabMessage => {
  if (typeof m !== 'object' || m === null) return false;
  const { kind, projectId, revision } = m as Record<string, unknown>;
  if (typeof projectId !== 'string') return false;
  return kind === 'deleted' || (kind === 'changed' && typeof revision === 'number');
};

/** The browser's Web Locks and BroadcastChannel, per origin and database. */
export class BrowserTabs implements TabCoordinator {
  onevent: ((event: TabEvent) => void) | null = null;
  readonly #prefix: string;
  readonly #channel: BroadcastChannel | null;
  /** Claims held now, so dispose can release them. */
  readonly #held = new Set<Claim>();

  /** `namespace`: the database's name, so tabs on different databases never meet. */
  constructor(namespace: string) {
    this.#prefix = `${namespace}:project:`;
    this.#channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(`${namespace}:projects`);
    this.#channel?.addEventListener('message', this.#receive);
  }

  claim(projectId: string, { steal = false }: { steal?: boolean } = {}): Promise<Claim | null> {
    const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
    // Without Web Locks (an old browser) every tab may edit; the revision check still refuses stale writes.
    if (!locks) return Promise.resolve(this.#track(projectId, () => {}));
    return new Promise((resolve) => {
      let claim: Claim | null = null;
      let letGo = () => {};
      const held = new Promise<void>((r) => (letGo = r));
      locks
        .request(this.#prefix + projectId, steal ? { steal: true } : { ifAvailable: true }, (lock) => {
          if (!lock) return resolve(null);
          claim = this.#track(projectId, letGo);
          resolve(claim);
          // The lock is held until this settles.
          return held;
        })
        .catch(() => {
          // Refused before it was granted: Web Locks do not work here, so edit as without them.
          if (!claim) return resolve(this.#track(projectId, () => {}));
          // Rejected after: another tab stole the lock.
          if (!this.#held.delete(claim)) return;
          this.onevent?.({ kind: 'taken', projectId });
        });
    });
  }

  announce(message: TabMessage): void {
    this.#channel?.postMessage(message);
  }

  dispose(): void {
    for (const claim of [...this.#held]) claim.release();
    this.#channel?.removeEventListener('message', this.#receive);
    this.#channel?.close();
    this.onevent = null;
  }

  #track(projectId: string, letGo: () => void): Claim {
    const claim: Claim = {
      projectId,
      release: () => {
        this.#held.delete(claim);
        letGo();
      },
    };
    this.#held.add(claim);
    return claim;
  }

  #receive = (e: MessageEvent) => {
    if (isMessage(e.data)) this.onevent?.(e.data);
  };
}

/** For a project alone in its page (tests): every claim is granted, nothing is announced. */
export class NoTabs implements TabCoordinator {
  onevent: ((event: TabEvent) => void) | null = null;
  claim(projectId: string): Promise<Claim> {
    return Promise.resolve({ projectId, release: () => {} });
  }
  announce(): void {}
  dispose(): void {}
}
