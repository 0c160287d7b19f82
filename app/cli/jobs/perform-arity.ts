/**
 * How many arguments a job class's perform takes, read from its source text, so `bin/jobs enqueue`
 * refuses a wrong count before the job reaches a worker.
 *
 * Steps: take the text between perform's parentheses (its compiled JavaScript: no types), split it
 * at top-level commas, and count: parameters before the first default or rest are required
 * (Function.length), a rest parameter takes any number more.
 *
 * Example: performArity(PingJob)   // { min: 0, max: 1, parameters: ['message?'] }
 *          checkArgumentCount(MailDeliveryJob, 1)   // throws "MailDeliveryJob.perform takes 3 arguments (to, subject, body); got 1"
 */
import { CliFailure } from './context';

export interface PerformArity {
  /** Arguments that must be given. */
  min: number;
  /** Arguments that may be given (Infinity with a rest parameter). */
  max: number;
  /** Each parameter's name, "?" after an optional one, "..." before a rest one (destructured: as written). */
  parameters: string[];
}

const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** The parameter list's text: from perform's first "(" to its matching ")". */
function parameterText(source: string): string {
  const start = source.indexOf('(');
  if (start < 0) return '';
  const closers: string[] = [];
  let quote: string | undefined;
  for (let i = start; i < source.length; i += 1) {
    const ch = source.charAt(i);
    if (quote) {
      if (ch === '\\') i += 1;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if (OPENERS[ch]) closers.push(OPENERS[ch]);
    else if (ch === closers.at(-1)) {
      closers.pop();
      if (closers.length === 0) return source.slice(start + 1, i);
    }
  }
  return '';
}

/** `text` split at `separator` where it is outside brackets and strings. */
function splitTopLevel(text: string, separator = ','): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = '';
  for (let i = 0; i < text.length; i += 1) {
    const ch = text.charAt(i);
    if (quote) {
      if (ch === '\\') current += text.charAt((i += 1));
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if (OPENERS[ch]) depth += 1;
    else if (ch === ')' || ch === ']' || ch === '}') depth -= 1;
    else if (ch === separator && depth === 0) {
      parts.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  if (current.trim() !== '') parts.push(current.trim());
  return parts;
}

export function performArity(cls: { name: string; prototype: object }): PerformArity {
  const perform = (cls.prototype as { perform?: unknown }).perform;
  if (typeof perform !== 'function') return { min: 0, max: Infinity, parameters: [] };
  const written = splitTopLevel(parameterText(Function.prototype.toString.call(perform)));
  const rest = written.some((p) => p.startsWith('...'));
  const parameters = written.map((p, i) => {
    if (p.startsWith('...')) return p;
    const name = splitTopLevel(p, '=')[0] ?? p;
    return i >= perform.length ? `${name}?` : name;
  });
  return { min: perform.length, max: rest ? Infinity : written.length, parameters };
}

const plural = (n: number) => `${n} argument${n === 1 ? '' : 's'}`;

/** Throws a CliFailure naming perform's parameters when `count` arguments do not fit them. */
export function checkArgumentCount(cls: { name: string; prototype: object }, count: number): void {
  const { min, max, parameters } = performArity(cls);
  if (count >= min && count <= max) return;
  const takes =
    max === Infinity
      ? `at least ${plural(min)}`
      : min === max
        ? plural(min)
        : min === 0
          ? `at most ${plural(max)}`
          : `${min} to ${max} arguments`;
  const names = parameters.length > 0 ? ` (${parameters.join(', ')})` : '';
  throw new CliFailure(`${cls.name}.perform takes ${takes}${names}; got ${count}`);
}
