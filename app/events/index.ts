/**
 * The image board's events: their types (defineEvent: bur.*, record.*), topics (/burs,
 * /records), viewer levels and viewer policy. Importing this module defines the types in the
 * process, so events of them read from the Redis stream are accepted (config/backlot.ts does).
 *
 * Example: import { burStatus, appViewerPolicy } from '../events/index';
 */
export { burProgress, burStatus } from './bur-events';
export { recordDeleted, recordDeletionRequested, recordUpdated } from './record-events';
export { appTopics } from './topics';
export { VIEWER_LEVELS } from './viewer-levels';
export { appViewerPolicy } from './viewer-policy';
