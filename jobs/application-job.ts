/**
 * The app's base job: every job in jobs/ extends it (Rails' ApplicationJob).
 *
 * Policy: a job whose record argument was deleted before it ran is discarded with one log line
 * (DeserializationError), not retried or failed.
 *
 * Example: export class ResizeJob extends ApplicationJob { async perform(post: Post) { ... } }
 */
import { DeserializationError, Job } from '../app/framework/index';

export abstract class ApplicationJob extends Job {
  static {
    this.discardOn(DeserializationError);
  }
}
