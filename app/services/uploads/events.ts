/**
 * An upload's status on the event bus: record.updated on /records/Upload/:id, which the upload's
 * page follows (live.js re-fetches its status fragment). Published from whichever process changes
 * the status (ProcessUploadJob on a worker); without a bus, nothing happens.
 *
 * Example: announceUploadStatus(12, 'completed')
 */
import { publishEvent } from '../../framework/index';
import { recordUpdated } from '../../events/index';

export function announceUploadStatus(uploadId: number, status: string, message?: string): void {
  publishEvent(recordUpdated, () => ({
    model: 'Upload',
    recordId: uploadId,
    status,
    ...(message !== undefined ? { message } : {}),
  }));
}
