export type NoticeKind = 'error' | 'warning' | 'info';

export interface NoticeAction {
  label: string;
  run: () => void | Promise<void>;
}

export interface Notice {
  id: number;
  kind: NoticeKind;
  title: string;
  detail?: string;
  actions?: NoticeAction[];
}

/** Messages shown to the person: errors stay until dismissed, info fades after a while. */
export class Notices {
  list = $state<Notice[]>([]);
  #next = 1;
  // Timer handles are bookkeeping, not state the UI shows.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #timers = new Map<number, ReturnType<typeof setTimeout>>();

  show(kind: NoticeKind, title: string, detail?: string, actions?: NoticeAction[]): number {
    const id = this.#next++;
    this.list = [...this.list, { id, kind, title, detail, actions }];
    if (kind === 'info' && !actions?.length) this.#timers.set(id, setTimeout(() => this.dismiss(id), 6000));
    return id;
  }

  error(title: string, detail?: string, actions?: NoticeAction[]): number {
    return this.show('error', title, detail, actions);
  }

  info(title: string, detail?: string): number {
    return this.show('info', title, detail);
  }

  dismiss(id: number): void {
    clearTimeout(this.#timers.get(id));
    this.#timers.delete(id);
    this.list = this.list.filter((n) => n.id !== id);
  }

  clear(): void {
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
    this.list = [];
  }
}
