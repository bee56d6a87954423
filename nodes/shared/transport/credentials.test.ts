import type { INode, NodeExecutionHint } from 'n8n-workflow';

import {
	apiVersionClock,
	CREDENTIAL_REUSE_MS,
	readCredentials,
	readCredentialsBriefly,
} from './credentials';
import { forgetApiVersionWarningsForTests, forgetCredentialReadsForTests } from '../../../test/support/testHooks';

/** A webhook context reduced to what a credential read uses; `reads` counts n8n's decryptions. */
function contextFor(nodeId: string, credentialId: string | undefined, answers: Array<() => Promise<object>>, workflowId = 'wf-1') {
	const context = {
		reads: 0,
		getNode: () => ({ id: nodeId, credentials: credentialId ? { whatsAppCloudApi: { id: credentialId, name: 'WhatsApp' } } : undefined }) as unknown as INode,
		getWorkflow: () => ({ id: workflowId }),
		getCredentials: async <T extends object>() => {
			const answer = answers[Math.min(context.reads, answers.length - 1)];
			context.reads += 1;
			return (await answer()) as T;
		},
	};
	return context;
}

const secret = (appSecret: string) => async () => ({ accessToken: 'token', appSecret });

beforeEach(() => forgetCredentialReadsForTests());

describe('readCredentialsBriefly', () => {
	it('gives one read to every request of the next few seconds, then reads again', async () => {
		let now = 1_000;
		const context = contextFor('node-1', 'cred-1', [secret('first'), secret('second')]);
		const read = () => readCredentialsBriefly(context, { now: () => now });
		expect((await read()).appSecret).toBe('first');
		now += CREDENTIAL_REUSE_MS - 1;
		expect((await read()).appSecret).toBe('first');
		now += 1;
		expect((await read()).appSecret).toBe('second');
		expect(context.reads).toBe(2);
	});

	it('lets requests arriving together share the read under way', async () => {
		const context = contextFor('node-1', 'cred-1', [secret('only')]);
		const answers = await Promise.all(Array.from({ length: 8 }, () => readCredentialsBriefly(context, { now: () => 0 })));
		expect(answers.map((answer) => answer.appSecret)).toEqual(new Array(8).fill('only'));
		expect(context.reads).toBe(1);
	});

	it('does not keep a failed read: the next request reads again', async () => {
		const context = contextFor('node-1', 'cred-1', [async () => Promise.reject(new Error('decryption failed')), secret('recovered')]);
		await expect(readCredentialsBriefly(context, { now: () => 0 })).rejects.toThrow('decryption failed');
		expect((await readCredentialsBriefly(context, { now: () => 0 })).appSecret).toBe('recovered');
	});

	it('never gives one node the read of another node, workflow or credential', async () => {
		const first = contextFor('node-1', 'cred-1', [secret('a')]);
		await readCredentialsBriefly(first, { now: () => 0 });
		for (const other of [
			contextFor('node-2', 'cred-1', [secret('b')]),
			contextFor('node-1', 'cred-2', [secret('b')]),
			contextFor('node-1', 'cred-1', [secret('b')], 'wf-2'),
		]) {
			expect((await readCredentialsBriefly(other, { now: () => 0 })).appSecret).toBe('b');
		}
	});

	it('reads every time when the node names no credential ID', async () => {
		const context = contextFor('node-1', undefined, [secret('a')]);
		await readCredentialsBriefly(context, { now: () => 0 });
		await readCredentialsBriefly(context, { now: () => 0 });
		expect(context.reads).toBe(2);
	});
});

/** Meta's changelog: v21.0 is available until 2027-01-21 (https://developers.facebook.com/docs/graph-api/changelog). */
describe('reading the credential warns when its Graph API version ends soon or has ended', () => {
	const realClock = apiVersionClock.now;
	const setToday = (isoDate: string) => {
		apiVersionClock.now = () => Date.parse(`${isoDate}T12:00:00Z`);
	};
	afterEach(() => {
		apiVersionClock.now = realClock;
		forgetApiVersionWarningsForTests();
	});

	/** An execute context reduced to a credential read, n8n's log and the node's hints. */
	function executeContext(apiVersion: string) {
		const context = {
			logged: [] as string[],
			hints: [] as NodeExecutionHint[],
			getNode: () => ({ id: 'node-1' }) as unknown as INode,
			getCredentials: async <T extends object>() => ({ accessToken: 'token', apiVersion }) as unknown as T,
			logger: { warn: (message: string) => context.logged.push(message) },
			addExecutionHints: (...hints: NodeExecutionHint[]) => context.hints.push(...hints),
		};
		return context;
	}

	it('90 days before the end: a warning hint on every run, and one line in n8n’s log for the process', async () => {
		setToday('2026-10-23');
		const context = executeContext('v21.0');
		await readCredentials(context);
		await readCredentials(context);
		expect(context.hints).toEqual([
			expect.objectContaining({ type: 'warning', message: expect.stringContaining('Meta ends Graph API v21.0 on 2027-01-21 (in 90 days)') }),
			expect.objectContaining({ type: 'warning' }),
		]);
		expect(context.logged).toEqual([expect.stringContaining('Meta ends Graph API v21.0 on 2027-01-21')]);
	});

	it('after the end the warning says Meta now serves the oldest live version, and the log hears that once too', async () => {
		setToday('2027-01-10');
		const context = executeContext('v21.0');
		await readCredentials(context);
		setToday('2027-01-21');
		await readCredentials(context);
		await readCredentials(context);
		expect(context.logged).toEqual([
			expect.stringContaining('Meta ends Graph API v21.0 on 2027-01-21 (in 11 days)'),
			expect.stringContaining('Meta ended Graph API v21.0 on 2027-01-21: it now answers calls to it with the oldest version it still serves (v22.0)'),
		]);
		expect(context.hints).toHaveLength(3);
	});

	it('says nothing more than 90 days before the end, nor for Newest', async () => {
		setToday('2026-10-22');
		const old = executeContext('v21.0');
		await readCredentials(old);
		const newest = executeContext('newest');
		await readCredentials(newest);
		expect([...old.hints, ...old.logged, ...newest.hints, ...newest.logged]).toEqual([]);
	});

	it('a webhook context (no hints) still gets the log line', async () => {
		setToday('2027-02-01');
		const { addExecutionHints: _none, ...webhook } = executeContext('v21.0');
		await readCredentials(webhook);
		expect(webhook.logged).toEqual([expect.stringContaining('Meta ended Graph API v21.0')]);
	});
});
