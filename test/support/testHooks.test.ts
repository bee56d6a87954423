/**
 * The test hooks reach the very state the nodes keep: a hook that cleared a Map of another name would let tests pass
 * on state left over from the test before.
 */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import type { INode } from 'n8n-workflow';

import { getConversationLedger } from '../../nodes/shared/conversations';
import { forgetMedia, isForgottenMedia } from '../../nodes/shared/media';
import { watchRedisVersion } from '../../nodes/shared/redis';
import { readCredentialsBriefly } from '../../nodes/shared/transport/credentials';
import { getRedeliveryStore } from '../../nodes/shared/webhook/stores';
import {
	clearConversationLedgers,
	clearMediaCache,
	clearRedeliveryStores,
	forgetCredentialReadsForTests,
	forgetRedisVersionChecks,
	messagingLimitClockForTests,
} from './testHooks';
import { processWide } from '../../nodes/shared/processWide';

const root = join(__dirname, '..', '..');
const sourcesUnder = (folder: string): string[] =>
	readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
		entry.isDirectory() ? sourcesUnder(join(folder, entry.name)) : entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [join(folder, entry.name)] : [],
	);

test('every process-wide name a hook clears is one a node module keeps its state under', () => {
	const hooks = readFileSync(join(__dirname, 'testHooks.ts'), 'utf8');
	const reached = [...hooks.matchAll(/process(?:Set|Map)\('([^']+)'\)/g)].map((match) => match[1]);
	expect(reached.length).toBeGreaterThanOrEqual(7);
	const kept = new Set(sourcesUnder(join(root, 'nodes')).flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/processWide\('([^']+)'/g)].map((match) => match[1])));
	expect(reached.filter((name) => !kept.has(name))).toEqual([]);
});

test('forgetCredentialReadsForTests makes the next read go to n8n again', async () => {
	let reads = 0;
	const context = {
		getCredentials: async <T>() => {
			reads++;
			return { apiVersion: 'v26.0' } as T;
		},
		getNode: () => ({ id: 'node', credentials: { whatsAppCloudApi: { id: 'credential', name: 'WhatsApp' } } }) as unknown as INode,
		getWorkflow: () => ({ id: 'workflow' }),
	};
	const now = () => 1_000;
	await readCredentialsBriefly(context, { now });
	await readCredentialsBriefly(context, { now });
	expect(reads).toBe(1);
	forgetCredentialReadsForTests();
	await readCredentialsBriefly(context, { now });
	expect(reads).toBe(2);
});

test('forgetRedisVersionChecks makes the next client of a checked server ask its version again', async () => {
	const client = () => {
		const asked = { ready: 0, info: 0 };
		return {
			asked,
			once: (_event: 'ready', listener: () => void) => {
				asked.ready++;
				listener();
			},
			info: async () => {
				asked.info++;
				return 'redis_version:7.2.4';
			},
		};
	};
	const first = client();
	watchRedisVersion(first, 'hooks-test:6379', () => undefined);
	expect(first.asked.info).toBe(1);
	const second = client();
	watchRedisVersion(second, 'hooks-test:6379', () => undefined);
	expect(second.asked).toEqual({ ready: 0, info: 0 });
	forgetRedisVersionChecks();
	const third = client();
	watchRedisVersion(third, 'hooks-test:6379', () => undefined);
	expect(third.asked.info).toBe(1);
});

test('clearRedeliveryStores and clearConversationLedgers drop the kept stores and ledgers', () => {
	const store = getRedeliveryStore({ scope: 'hooks-test', env: {} });
	expect(getRedeliveryStore({ scope: 'hooks-test', env: {} })).toBe(store);
	clearRedeliveryStores();
	expect(getRedeliveryStore({ scope: 'hooks-test', env: {} })).not.toBe(store);

	const ledger = getConversationLedger({ env: {} });
	expect(getConversationLedger({ env: {} })).toBe(ledger);
	clearConversationLedgers();
	expect(getConversationLedger({ env: {} })).not.toBe(ledger);
});

test('clearMediaCache forgets the media IDs Meta said it no longer knows', () => {
	forgetMedia('hooks-test-media');
	expect(isForgottenMedia('hooks-test-media')).toBe(true);
	clearMediaCache();
	expect(isForgottenMedia('hooks-test-media')).toBe(false);
});

test('the messaging limit ships no clock for tests: messagingLimitClockForTests reaches the one it keeps process-wide', async () => {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	expect(Object.keys(require('../../nodes/WhatsAppSendMessage/messagingLimit') as object)).not.toContain('messagingLimitClock');
	const clock = messagingLimitClockForTests();
	const real = { ...clock };
	try {
		clock.now = () => 42;
		expect(processWide<{ now(): number }>('messagingLimit.clock', () => ({ now: () => 0 }))().now()).toBe(42);
	} finally {
		Object.assign(clock, real);
	}
});

