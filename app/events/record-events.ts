/**
 * Events about the app's records, on /records/:model/:id (a post's, an upload's page follows its own):
 *   record.deletion_requested  model, recordId, requestedBy?, jobId?  (marked for deletion)
 *   record.deleted             model, recordId, jobId?                (its row and files are gone)
 *   record.updated             model, recordId, status?, message?, jobId? (e.g. an upload's status)
 *
 * Example: createEvent(recordDeleted, { model: 'Post', recordId: 7 })
 */
import { z } from 'zod';
import { defineEvent } from '../framework/index';
import { appTopics } from './topics';

const id = z.string().min(1).max(200);
const recordId = z.union([id, z.number().int()]);
const onRecord = {
  topic: (data: { model: string; recordId: string | number }) => appTopics.record(data.model, data.recordId),
};

export const recordDeletionRequested = defineEvent(
  'record.deletion_requested',
  z.object({ model: id, recordId, requestedBy: recordId.optional(), jobId: id.optional() }),
  onRecord,
);

export const recordDeleted = defineEvent(
  'record.deleted',
  z.object({ model: id, recordId, jobId: id.optional() }),
  onRecord,
);

export const recordUpdated = defineEvent(
  'record.updated',
  z.object({
    model: id,
    recordId,
    status: z.string().min(1).max(64).optional(),
    message: z.string().optional(),
    jobId: id.optional(),
  }),
  onRecord,
);
