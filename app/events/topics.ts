/**
 * The image board's event topics, beside the framework's (/jobs, /workers, /lifecycle). An id
 * goes in as one percent-encoded segment (the framework's topicSegment).
 *   /burs/:id                 bur.status, bur.progress
 *   /records/:model/:id       record.deletion_requested, record.deleted, record.updated
 *
 * Example: appTopics.bur(12) -> '/burs/12'; appTopics.record('Post', 7) -> '/records/Post/7'
 */
import { topicSegment } from '../framework/index';

export const appTopics = {
  burs: () => '/burs',
  bur: (burId: string | number) => `/burs/${topicSegment(burId)}`,
  records: () => '/records',
  record: (model: string, recordId: string | number) =>
    `/records/${topicSegment(model)}/${topicSegment(recordId)}`,
} as const;
