// Runes in a test: the `.svelte.` infix makes Svelte compile this file.
import { flushSync } from 'svelte';
import { expect, it } from 'vitest';
import { Project } from './project.svelte.ts';
import type { StepImage } from './types.ts';
import { editInput, freshDb, openInput, storeOf, text } from './testing.ts';

it('effects in the UI re-run when entries, cursor, current, undo/redo flags and image change', async () => {
  const project = new Project({ store: storeOf(freshDb().connect()) });
  const seen: string[] = [];
  const images: (StepImage | null)[] = [];
  const stop = $effect.root(() => {
    $effect(() => {
      seen.push(`${project.entries.length}@${project.cursor} ${project.current?.op ?? '-'} undo=${project.canUndo} redo=${project.canRedo}`);
    });
    $effect(() => {
      images.push(project.image);
    });
  });
  flushSync();
  await project.open(openInput('r'));
  flushSync();
  await project.commit(editInput('a', { op: 'flip' }));
  flushSync();
  await project.undo();
  flushSync();
  await project.close();
  flushSync();
  stop();

  expect(seen).toEqual([
    '0@-1 - undo=false redo=false',
    '1@0 open undo=false redo=false',
    '2@1 flip undo=true redo=false',
    '2@0 open undo=false redo=true',
    '0@-1 - undo=false redo=false',
  ]);
  expect(await Promise.all(images.map((b) => (b ? text(b) : null)))).toEqual([null, 'r:image:open', 'image:a', 'r:image:open', null]);
});
