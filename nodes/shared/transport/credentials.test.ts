import type { INode } from 'n8n-workflow';

import { CREDENTIAL_REUSE_MS, forgetCredentialReadsForTests, readCredentialsBriefly } from './credentials';

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
