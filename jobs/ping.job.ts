/**
 * PingJob: logs "pong" with its message and returns it. Operators enqueue it to check a
 * deployment end to end (`bin/jobs enqueue PingJob '"hello"'`): the line shows up in the worker log.
 */
import { backlotSettings } from '../app/framework/index';
import { ApplicationJob } from './application-job';

export class PingJob extends ApplicationJob {
  perform(message = 'ping'): { pong: string; at: string } {
    const reply = { pong: message, at: new Date().toISOString() };
    backlotSettings().logger.info({ jobId: this.jobId, message }, `pong: ${message}`);
    return reply;
  }
}
