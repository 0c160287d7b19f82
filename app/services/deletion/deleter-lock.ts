/**
 * The deleter's leadership settings: one deleter deletes per database however many worker processes
 * start one. The leader's session holds the advisory lock DELETER_LOCK_KEY and LISTENs on the
 * deletion channel (marks committed), through the framework's LeaderLock.
 *
 * Example: new LeaderLock(openSession, DELETER_LEADERSHIP, { notified: wake, lost: standBy })
 */
import type pg from 'pg';
import type { LeaderLockOptions } from '../../framework/index';
import { DELETION_CHANNEL } from './models';

/** pg_try_advisory_lock key held by the leading deleter: hashtext('backlot:deleter'). */
export const DELETER_LOCK_KEY = `hashtext('backlot:deleter')`;

/** The leading deleter's lock and channel. */
export const DELETER_LEADERSHIP: LeaderLockOptions = { lockKey: DELETER_LOCK_KEY, channel: DELETION_CHANNEL };

/** A session of the deleter's own (advisory lock, LISTEN): node-postgres's Client. */
export type DeleterSession = Pick<pg.Client, 'connect' | 'query' | 'on' | 'end'>;
