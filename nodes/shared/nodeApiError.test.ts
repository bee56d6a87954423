/** What n8n shows of a failure that is not a Graph call's (a Graph call's is checked with its call in transport.test.ts). */
import type { INode } from 'n8n-workflow';

import { findSecretLeaks } from '../../test/harness/secrets';
import { toNodeApiError } from './nodeApiError';

const TOKEN = 'EAAGtest0accessTOKEN0123456789';
const APP_SECRET = 'testAppSecret0123456789abcdef';
const APP_ID = '900000000000009';
const SECRETS = { accessToken: TOKEN, appSecret: APP_SECRET, appId: APP_ID };
const NODE: INode = { id: 'n1', name: 'WhatsApp', type: 'test.whatsApp', typeVersion: 1, position: [0, 0], parameters: {} };

describe('toNodeApiError with other failures', () => {
	test('a plain error becomes a NodeOperationError with the secrets redacted', () => {
		const nodeError = toNodeApiError(NODE, new Error(`boom ${TOKEN} ${APP_SECRET}`), 2, SECRETS);
		expect(nodeError.message).toBe('boom [redacted] [redacted]');
		expect(findSecretLeaks(nodeError, SECRETS)).toEqual([]);
	});
});
