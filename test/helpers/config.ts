/** Gateway limits used by tests (the documented defaults). */
import type { GatewayConfig } from '../../src/app.ts';

export const TEST_CONFIG: GatewayConfig = {
  MAX_ROWS: 1000,
  MAX_CRITERIA_LENGTH: 10_000,
  MAX_CLAUSES: 1024,
  MAX_DEPTH: 32,
  MAX_BODY_BYTES: 1024 * 1024,
  API_KEYS: undefined,
  RATE_LIMIT_PER_MINUTE: 600,
  CORS_ORIGINS: undefined,
};
