/**
 * What the BUR pages and the BUR API read from a request: the actor (signed-in user), the id
 * (a bad one is a 404), the form's values and body, and a script check's lines for the views.
 *
 * Example: const id = idOf(req); const actor = signedIn(res); badLineSummary(checkedLines(check))
 */
import type { Request, Response } from 'express';
import { lineResults, type BurActor } from '../../services/bulk-update-request/approval';
import type { ScriptCheck } from '../../services/bulk-update-request/index';
import { isRecordId } from '../../db/record-id';
import { NotFoundError } from '../errors';
import { stringParam } from '../middleware/respond';
import type { BursService } from '../services/burs.service';
import type { CheckedLine } from '../views/burs.views';

export type Found = Awaited<ReturnType<BursService['find']>>;

export function actorOf(res: Response): BurActor | undefined {
  const user = res.locals.currentUser;
  return user ? { id: user.id, level: user.level } : undefined;
}

export function signedIn(res: Response): BurActor {
  const actor = actorOf(res);
  if (!actor) throw new Error('this route runs after requireSignIn');
  return actor;
}

export function idOf(req: Request): number {
  const id = Number(req.params.id);
  if (!isRecordId(id)) throw new NotFoundError(`no bulk update request ${String(req.params.id)}`);
  return id;
}

export function body(req: Request): Record<string, unknown> {
  return (req.body ?? {}) as Record<string, unknown>;
}

export function formValues(req: Request) {
  const b = body(req);
  return { title: stringParam(b.title), script: stringParam(b.script), reason: stringParam(b.reason) };
}

export function checkedLines(check: ScriptCheck | undefined): CheckedLine[] {
  return check ? lineResults(check) : [];
}

export function storedLines(bur: Found): CheckedLine[] {
  return bur.lines.map((l) => ({ lineNumber: l.lineNumber, text: l.text, error: l.error }));
}

export function badLineSummary(lines: readonly CheckedLine[]): string {
  const bad = lines.filter((l) => l.error !== null);
  const first = bad[0];
  if (!first) return '';
  return `line ${first.lineNumber} (${first.text}): ${first.error ?? ''}${bad.length > 1 ? `, and ${bad.length - 1} more` : ''}`;
}
