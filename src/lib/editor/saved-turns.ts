/**
 * The saved conversation of a project, checked as it is read back (like the history records in
 * src/lib/history/validate.ts): a damaged turn is left out, a damaged plan dropped from its turn, so a
 * bad record never breaks the panel or reaches the planner's prompt.
 */
import { EDIT_KINDS, type EditPlan } from '../../../workers/language/types.ts';

export interface SavedTurn {
  id: number;
  instruction: string;
  reply: string;
  plan: EditPlan | null;
  status: 'done' | 'failed' | 'cancelled';
  error?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const STATUSES: readonly unknown[] = ['done', 'failed', 'cancelled'];

function readPlan(v: unknown): EditPlan | null {
  if (!isObject(v) || !(EDIT_KINDS as readonly unknown[]).includes(v.kind)) return null;
  const texts = ['instruction', 'target', 'targetDescription', 'expressive', 'prompt', 'reply'] as const;
  if (!texts.every((k) => typeof v[k] === 'string')) return null;
  if (!isObject(v.adjust) || !Object.values(v.adjust).every((x) => typeof x === 'number' && Number.isFinite(x))) return null;
  if (v.outpaint !== null && !(isObject(v.outpaint) && ['left', 'right', 'top', 'bottom'].every((k) => typeof (v.outpaint as Record<string, unknown>)[k] === 'number')))
    return null;
  if (!['model', 'mixed', 'fallback'].includes(v.source as string)) return null;
  return { ...(v as unknown as EditPlan), notes: Array.isArray(v.notes) ? v.notes.filter((n): n is string => typeof n === 'string') : [] };
}

/** The turns of a saved conversation that can be read; anything else reads as an empty conversation. */
export function readSavedTurns(value: unknown): SavedTurn[] {
  if (!Array.isArray(value)) return [];
  const turns: SavedTurn[] = [];
  for (const t of value) {
    if (!isObject(t) || !Number.isInteger(t.id) || typeof t.instruction !== 'string' || !STATUSES.includes(t.status)) continue;
    const turn: SavedTurn = {
      id: t.id as number,
      instruction: t.instruction,
      reply: typeof t.reply === 'string' ? t.reply : '',
      plan: readPlan(t.plan),
      status: t.status as SavedTurn['status'],
    };
    if (typeof t.error === 'string') turn.error = t.error;
    turns.push(turn);
  }
  return turns;
}
