/**
 * The per-job admin actions and which apply to a job in a given state: shared by the admin jobs
 * page, its JSON twin and the bulk actions.
 *
 * Example: actionsFor('failed')  // ['retry', 'destroy']
 */
import type { JobState } from '../../framework/index';

export const JOB_ACTIONS = ['retry', 'run-now', 'cancel', 'destroy'] as const;
export type JobAction = (typeof JOB_ACTIONS)[number];

/** Actions that lose work and so ask for confirmation first. */
export const DESTRUCTIVE_ACTIONS: readonly JobAction[] = ['cancel', 'destroy'];

export function isJobAction(value: string): value is JobAction {
  return (JOB_ACTIONS as readonly string[]).includes(value);
}

/** The actions that apply to a job in `state` (a malformed job cannot be retried: it would fail again). */
export function actionsFor(state: JobState, malformed = false): JobAction[] {
  switch (state) {
    case 'failed':
    case 'canceled':
      return malformed ? ['destroy'] : ['retry', 'destroy'];
    case 'delayed':
      return ['run-now', 'cancel', 'destroy'];
    case 'waiting':
    case 'prioritized':
    case 'waiting-children':
      return ['cancel', 'destroy'];
    case 'active':
      return ['cancel'];
    case 'completed':
    case 'discarded':
      return ['destroy'];
    case 'unknown':
      return [];
  }
}
