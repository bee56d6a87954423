/**
 * The Graph transport: the only code in the pack that talks HTTP, and none of it needs n8n. Nodes never call it
 * directly; they go through the gate (`nodes/shared/limiter`), which calls `graphRequest` and reacts to
 * `GraphApiError.errorClass`. The parts: credentialCheck (the fields a call needs), url (where it goes), attempt
 * (one try under a deadline), envelope (Meta's error answer), networkErrors (no answer), request (the call);
 * client.ts holds the connection pools.
 */
import * as request from './request';
import * as timeouts from './timeouts';

export type { WhatsAppCredentials } from './types';
export type { GraphRequestHooks } from './request';
export { GraphApiError, isGraphApiError, INSIGHTS_DISABLED_CODES } from './errors';
export { listAgainOnStaleCursor } from './paging';
export { redactSecrets, redactDeep } from './redact';
export { destroyGraphClients } from './client';

// Plain values, not `export … from` (TypeScript makes those getters): the gate reads these on every send.
export const graphRequest = request.graphRequest;
export const longestCallMs = timeouts.longestCallMs;
export const LONGEST_PLAIN_CALL_MS = timeouts.LONGEST_PLAIN_CALL_MS;
