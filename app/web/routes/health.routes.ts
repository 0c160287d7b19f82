/** /healthz, /readyz and /metrics: mounted before sessions, so probes never touch them. */
import { Router } from 'express';
import { healthController, type HealthDeps } from '../controllers/health.controller';

export function healthRoutes(deps: HealthDeps): Router {
  const c = healthController(deps);
  return Router().get('/healthz', c.healthz).get('/readyz', c.readyz).get('/metrics', c.metrics);
}
