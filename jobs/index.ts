/**
 * Every job class of the app. Workers register exactly these at boot; a duplicate stored name
 * stops the boot.
 */
import type { AnyJobClass } from '../app/framework/index';
import { PingJob } from './ping.job';

export const ALL_JOBS: readonly AnyJobClass[] = [PingJob];
