/**
 * The errors of the BUR service (approval.ts): each carries an HTTP-style `status` that the web
 * error handler maps, so controllers pass them through unchanged.
 *
 *   BurValidationError 422 (with the script check, when there is one), BurPermissionError 403,
 *   BurNotFoundError 404, BurStateError 409 (the request's status does not allow the action, with
 *   that status) and its subclass BurAlreadyApprovedError 409.
 *
 * Example:
 *   try { await approveBur(bur, user) } catch (error) {
 *     if (error instanceof BurValidationError) render(error.check)   // every bad line
 *   }
 */
import type { BulkUpdateRequestStatus } from '../../db/generated/enums';
import type { ScriptCheck } from './types';

export class BurError extends Error {
  override name = 'BurError';
  readonly status: number = 400;
}

/** The script (or title) is not valid: nothing was approved. `check` holds every problem. */
export class BurValidationError extends BurError {
  override name = 'BurValidationError';
  override readonly status = 422;
  constructor(
    message: string,
    readonly check?: ScriptCheck,
  ) {
    super(message);
  }
}

export class BurPermissionError extends BurError {
  override name = 'BurPermissionError';
  override readonly status = 403;
}

export class BurNotFoundError extends BurError {
  override name = 'BurNotFoundError';
  override readonly status = 404;
}

/** The request's status does not allow the action. */
export class BurStateError extends BurError {
  override name = 'BurStateError';
  override readonly status = 409;
  constructor(
    message: string,
    readonly burStatus: BulkUpdateRequestStatus,
  ) {
    super(message);
  }
}

/** Approving a request that is approved, processing or completed. */
export class BurAlreadyApprovedError extends BurStateError {
  override name = 'BurAlreadyApprovedError';
}
