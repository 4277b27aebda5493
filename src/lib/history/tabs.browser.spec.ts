import { describe, expect, it, onTestFinished } from 'vitest';
import { ProjectChangedError, ProjectReadOnlyError } from './errors.ts';
import { Project } from './project.svelte.ts';
import { BrowserTabs, type TabEvent } from './tabs.ts';
import { editInput, freshDb, openInput, storeOf, text, tickingClock } from './testing.ts';

/**
 * Two tabs with the browser's real Web Locks and BroadcastChannel. Two Projects in one page meet
 * through both exactly as two tabs of one origin do; a fresh namespace keeps tests apart.
 */
function twoTabs() {
  const db = freshDb();
  const now = tickingClock();
  const events = new Map<Project, TabEvent[]>();
  const tab = () => {
    const p = new Project({ store: storeOf(db.connect()), now, tabs: new BrowserTabs(db.name) });
    const seen: TabEvent[] = [];
    events.set(p, seen);
    p.onremote = (e) => seen.push(e);
    onTestFinished(() => p.dispose());
    return p;
  };
  return { a: tab(), b: tab(), tab, events: (p: Project) => events.get(p)! };
}

/** Until `check` holds (messages and lock changes arrive as tasks); 10 s at most, for a loaded machine. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

const labels = (p: Project) => p.entries.map((e) => (e.op === 'open' ? 'open' : String(e.params.label)));

describe('one writer per project across tabs', () => {
  it('a second tab opens the project read-only, refuses changes, and follows the editing tab', async () => {
    const { a, b, events } = twoTabs();
    await a.open(openInput('p'));
    await a.commit(editInput('X'));
    expect([a.readOnly, a.lockout]).toEqual([false, null]);

    await b.load(a.id!);
    expect([b.readOnly, b.lockout]).toEqual([true, 'elsewhere']);
    for (const change of [() => b.undo(), () => b.commit(editInput('B')), () => b.rename('beach'), () => b.jumpTo(0)])
      await expect(change()).rejects.toBeInstanceOf(ProjectReadOnlyError);
    expect([b.cursor, labels(b)]).toEqual([1, ['open', 'X']]);

    await a.commit(editInput('Y'));
    await until(() => events(b).length > 0, 'the change to reach B');
    expect(events(b)).toEqual([{ kind: 'changed', projectId: a.id, revision: 3 }]);
    await b.refresh();
    expect([labels(b), b.readOnly, await text(b.image)]).toEqual([['open', 'X', 'Y'], true, 'image:Y']);
    // A never hears its own writes.
    expect(events(a)).toEqual([]);
  });

  it('takeOver moves editing: the first tab is told and becomes read-only; the second continues from its last change', async () => {
    const { a, b, events } = twoTabs();
    await a.open(openInput('p'));
    await b.load(a.id!);
    await a.commit(editInput('X'));
    expect(labels(b)).toEqual(['open']);

    await b.takeOver();
    expect([b.readOnly, labels(b)]).toEqual([false, ['open', 'X']]);
    await until(() => a.readOnly, 'A to lose editing');
    expect([a.lockout, events(a)]).toEqual(['taken', [{ kind: 'taken', projectId: a.id }]]);
    await expect(a.commit(editInput('A'))).rejects.toBeInstanceOf(ProjectReadOnlyError);

    await b.undo();
    await b.commit(editInput('B'));
    await until(() => events(a).length === 3, 'B’s two writes to reach A');
    await a.refresh();
    expect(labels(a)).toEqual(['open', 'B']);

    // And back: A takes over again.
    await a.takeOver();
    await until(() => b.readOnly, 'B to lose editing');
    await a.commit(editInput('A'));
    expect(labels(a)).toEqual(['open', 'B', 'A']);
  });

  it('closing, switching project or disposing lets another tab edit it', async () => {
    const { a, b, tab } = twoTabs();
    await a.open(openInput('p'));
    const first = a.id!;
    await b.load(first);
    expect(b.readOnly).toBe(true);
    await a.open(openInput('q')); // A switches project: the first one is free
    await b.load(first);
    expect(b.readOnly).toBe(false);
    await b.commit(editInput('B'));

    const c = tab();
    await c.load(first);
    expect(c.readOnly).toBe(true);
    b.dispose(); // the tab goes away
    await c.load(first);
    expect(c.readOnly).toBe(false);

    await c.close();
    const d = tab();
    await d.load(first);
    expect(d.readOnly).toBe(false);
  });

  it('a project deleted in another tab: the tab showing it is told, and its changes are refused', async () => {
    const { a, b, events } = twoTabs();
    await a.open(openInput('p'));
    const id = a.id!;
    await b.deleteProject(id);
    await until(() => a.lockout === 'deleted', 'A to hear of the deletion');
    expect(events(a)).toEqual([{ kind: 'deleted', projectId: id }]);
    await expect(a.commit(editInput('X'))).rejects.toBeInstanceOf(ProjectChangedError);
    await expect(a.takeOver()).rejects.toBeInstanceOf(ProjectChangedError);
  });
});
