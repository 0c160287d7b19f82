/**
 * VacuumDatabaseJob (daily, config/schedule.ts): VACUUM (ANALYZE) of every table of the app's
 * schema through a dedicated pg connection, outside any transaction (app/services/maintenance/vacuum.ts
 * says why not through Prisma). Progress { tablesDone, tablesTotal } after each table; a cancel
 * or timeout cancels the running VACUUM on the server. One table may take long on a big database,
 * so the inactivity limit is an hour. Unique while queued or running.
 *
 * Example: await VacuumDatabaseJob.performLater()   // -> { tables: ['public.bans', ...] }
 */
import { env } from '../config/env';
import { backlotSettings } from '../app/framework/index';
import { vacuumDatabase, type VacuumResult } from '../app/services/maintenance/vacuum';
import { ApplicationJob } from './application-job';

export class VacuumDatabaseJob extends ApplicationJob {
  /** A single table's VACUUM reports nothing until it ends: allow an hour. */
  static override touchTimeout = 3_600;

  static {
    this.uniqueBy(() => 'all');
  }

  async perform(): Promise<VacuumResult> {
    const started = performance.now();
    const result = await vacuumDatabase(env().DATABASE_URL, {
      signal: this.signal,
      onTable: (tablesDone, tablesTotal) => this.reportProgress({ tablesDone, tablesTotal }),
    });
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    backlotSettings().logger.info(
      { jobId: this.jobId, event: 'vacuum_database', tables: result.tables.length, seconds },
      `VacuumDatabaseJob: vacuumed and analyzed ${result.tables.length} table(s) in ${seconds}s`,
    );
    return result;
  }
}
