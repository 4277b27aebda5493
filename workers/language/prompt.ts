// What the planner asks the VLM. The answer format is one tag per field (parse.ts reads it back);
// the question itself is MGIE's "what will this image be like if '<instruction>'", and the
// generation prompt is wrapped like LLMGA's, in <gen_image> … </gen_image>.
import { ADJUST_NAMES, ADJUST_RANGE, type EditPlan, type Turn } from './types.ts';

/** The tags of the answer, in the order the model is asked to write them. */
export const PLAN_TAGS = Object.freeze(['kind', 'target', 'target_description', 'expressive', 'gen_image', 'adjust', 'outpaint', 'reply'] as const);
export type PlanTag = (typeof PLAN_TAGS)[number];

const ranges = ADJUST_NAMES.map((n) => `${n} ${ADJUST_RANGE[n].min}…${ADJUST_RANGE[n].max} (none: ${ADJUST_RANGE[n].neutral})`).join('; ');

export const SYSTEM_PROMPT = `You plan edits for an image editor. The person shows you an image and either asks for an edit or asks a question about the image.
Answer only in this format, each tag once, nothing outside the tags:
<kind>local, global, outpaint, generate or answer</kind>
<target>the few words naming the part of the image to change, e.g. "the cookies"; empty unless kind is local</target>
<target_description>one sentence describing the whole image after the edit</target_description>
<expressive>what this image will be like after the edit, in at most two sentences</expressive>
<gen_image>a detailed prompt for the image generator: what to paint in the edited part (or the whole new image), with its look, materials, light and style</gen_image>
<adjust>slider=value pairs separated by commas, only for global light and colour edits</adjust>
<outpaint>left=…, right=…, top=…, bottom=… as fractions of the image size, only for outpaint</outpaint>
<reply>one or two friendly sentences for the person; for a question, the answer</reply>
Kinds: local = add, remove, replace or change something in one part of the image; global = change the light or colour of the whole image (brightness, contrast, colour, warmth, sharpness, blur); outpaint = extend the image beyond its borders; generate = make a new image from scratch; answer = the person asked a question and nothing should change.
Sliders: ${ranges}.
Earlier turns show the edits already made: "it", "more", "again" and "bigger" refer to the last edit.`;

export const DESCRIBE_PROMPT = 'Describe this image in one sentence: the main subjects, their colours and the setting.';

/** The question of one turn (MGIE's prompt, plus the source caption when known). */
export function userText(instruction: string, sourceDescription = ''): string {
  const lines = [];
  if (sourceDescription) lines.push(`The image shows: ${sourceDescription}`);
  lines.push(`Instruction: ${instruction}`);
  lines.push(`What will this image be like if '${instruction}'?`);
  return lines.join('\n');
}

/** A plan written back in the answer format, as the assistant's side of an earlier turn. */
export function serializePlan(plan: EditPlan): string {
  const adjust = Object.entries(plan.adjust)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const o = plan.outpaint;
  const outpaint = o ? `left=${o.left}, right=${o.right}, top=${o.top}, bottom=${o.bottom}${o.unit === 'px' ? ' px' : ''}` : '';
  const fields: Record<PlanTag, string> = {
    kind: plan.kind,
    target: plan.target,
    target_description: plan.targetDescription,
    expressive: plan.expressive,
    gen_image: plan.prompt,
    adjust,
    outpaint,
    reply: plan.reply,
  };
  return PLAN_TAGS.filter((t) => fields[t] !== '')
    .map((t) => `<${t}>${fields[t]}</${t}>`)
    .join('\n');
}

export type ChatContent = string | ({ type: 'image' } | { type: 'text'; text: string })[];
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: ChatContent;
}

export interface PromptOptions {
  /** Earlier turns kept in context (the most recent ones); older ones are dropped. */
  maxTurns?: number;
  sourceDescription?: string;
}

/**
 * The conversation for one planning turn. Only the current turn carries the image (the image as it
 * is now, after the earlier edits); earlier turns are text: the instruction and the plan it gave.
 */
export function planMessages(instruction: string, previous: readonly Turn[], options: PromptOptions = {}): ChatMessage[] {
  const kept = previous.slice(-(options.maxTurns ?? 4));
  const messages: ChatMessage[] = [{ role: 'system', content: SYSTEM_PROMPT }];
  for (const turn of kept) {
    messages.push({ role: 'user', content: userText(turn.instruction) });
    messages.push({ role: 'assistant', content: serializePlan(turn.plan) });
  }
  messages.push({ role: 'user', content: [{ type: 'image' }, { type: 'text', text: userText(instruction, options.sourceDescription) }] });
  return messages;
}

export function describeMessages(): ChatMessage[] {
  return [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: DESCRIBE_PROMPT }] }];
}
