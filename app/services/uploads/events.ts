/**
 * An upload's status on the event bus: record.updated on /records/Upload/:id, which the upload's
 * page follows (live.js re-fetches its status fragment). Published from whichever process changes
 * the status (ProcessUploadJob on a worker); without a bus, nothing happens.
 *
 * Example: announceUploadStatus(12, 'completed')
 */
import { publishEvent } from '../../framework/index';

export function announceUploadStatus(uploadId: number, status: string, message?: string): void {
  publishEvent('record.updated', () => ({
    model: 'Upload',
    recordId: uploadId,
    status,
    ...(message !== undefined ? { message } : {}),
  }));
}
