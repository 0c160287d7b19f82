/**
 * A bulk update request's events, on /burs/:id (the BUR page follows them):
 *   bur.status     burId, status, message?, jobId?  (approve/reject, the job's start and outcome, the reconciler)
 *   bur.progress   burId, done, total, message?      (ProcessBulkUpdateRequestJob's progress reports)
 *
 * Example: publishEvent(burStatus, () => ({ burId: 12, status: 'processing', jobId }))
 */
import { z } from 'zod';
import { defineEvent } from '../framework/index';
import { appTopics } from './topics';

const recordId = z.union([z.string().min(1).max(200), z.number().int()]);
const onBur = { topic: (data: { burId: string | number }) => appTopics.bur(data.burId) };

export const burStatus = defineEvent(
  'bur.status',
  z.object({
    burId: recordId,
    status: z.string().min(1).max(64),
    message: z.string().optional(),
    jobId: z.string().min(1).max(200).optional(),
  }),
  onBur,
);

export const burProgress = defineEvent(
  'bur.progress',
  z.object({
    burId: recordId,
    done: z.number().int().min(0),
    total: z.number().int().min(0),
    message: z.string().optional(),
  }),
  onBur,
);
