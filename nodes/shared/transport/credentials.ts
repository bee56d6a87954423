/**
 * Reading the `whatsAppCloudApi` credential. n8n decrypts it and resolves its expressions on every read, and on n8n
 * 2.x's default expression engine that resolution acquires an isolated-vm isolate of its own (tens of ms on 2 cores):
 * a webhook trigger that read it per request would spend most of each request there. `readCredentialsBriefly` keeps
 * one node's read for a few seconds, so an edit to the credential still applies within seconds.
 */
import type { ICredentialDataDecryptedObject, INode, NodeExecutionHint } from 'n8n-workflow';

import { processWide } from '../processWide';
import { apiVersionState, apiVersionWarning } from './apiVersions';
import type { WhatsAppCredentials } from './types';

export const CREDENTIAL_NAME = 'whatsAppCloudApi';

/** What reading a credential needs of n8n: the execute, webhook, hook and load-options contexts all have it. */
export interface CredentialReader {
	getCredentials<T extends object = ICredentialDataDecryptedObject>(type: string, itemIndex?: number): Promise<T>;
	getNode(): INode;
	/** n8n's log (every context but a bare test double has it). */
	logger?: { warn(message: string): void };
	/** Execute contexts only: a hint shown above the node's output. */
	addExecutionHints?(...hints: NodeExecutionHint[]): void;
}

/** The credential of a node, and a warning when its Graph API version ends soon or has ended (`noteApiVersion`). */
export async function readCredentials(context: CredentialReader): Promise<WhatsAppCredentials> {
	const credentials = (await context.getCredentials(CREDENTIAL_NAME)) as unknown as WhatsAppCredentials;
	noteApiVersion(context, credentials.apiVersion);
	return credentials;
}

/** The clock the version warnings go by (tests set their own). */
export const apiVersionClock = { now: (): number => Date.now() };

/** Versions whose warning n8n's log has had in this process. */
const loggedWarnings = processWide('apiVersionWarnings', () => new Set<string>());

/**
 * When the credential's Graph API version ends within 90 days or has ended: a warning hint with the node's output on
 * every run (execute nodes), and one line in n8n's log once per process for each version and state.
 */
export function noteApiVersion(context: Pick<CredentialReader, 'logger' | 'addExecutionHints'>, apiVersion: unknown): void {
	const state = apiVersionState(apiVersion, apiVersionClock.now());
	const warning = apiVersionWarning(state);
	if (!warning) return;
	context.addExecutionHints?.({ type: 'warning', message: warning, location: 'outputPane' });
	const logged = loggedWarnings();
	const key = `${state.version}|${state.kind}`;
	if (logged.has(key) || !context.logger) return;
	logged.add(key);
	context.logger.warn(`WhatsApp Cloud API: ${warning}`);
}

/** How long a webhook keeps a read: an edit to the credential applies to requests this much later at most. */
export const CREDENTIAL_REUSE_MS = 5_000;
/** Reads remembered at once (one per trigger node and credential); expired ones are dropped past this. */
const MAX_REMEMBERED_READS = 1_000;

interface RememberedRead {
	expiresAt: number;
	credentials: Promise<WhatsAppCredentials>;
}

/** One process-wide store, even if n8n loads two copies of this module. */
const store = processWide('credentialReads', () => new Map<string, RememberedRead>());

/**
 * The credential as `readCredentials` gives it, read at most once per `reuseMs` for this workflow, node and
 * credential: requests arriving together share one read, and a failed read is not kept. Only the node that made
 * a read is given it again, so nothing is shared that n8n would not have given that node itself.
 */
export async function readCredentialsBriefly(
	context: CredentialReader & { getWorkflow(): { id?: string } },
	options: { reuseMs?: number; now?: () => number } = {},
): Promise<WhatsAppCredentials> {
	const node = context.getNode();
	const credentialId = node.credentials?.[CREDENTIAL_NAME]?.id;
	if (!credentialId) return await readCredentials(context);
	const now = (options.now ?? Date.now)();
	const reads = store();
	const key = `${context.getWorkflow().id ?? ''}\u0000${node.id}\u0000${credentialId}`;
	const remembered = reads.get(key);
	if (remembered && remembered.expiresAt > now) return await remembered.credentials;

	if (reads.size >= MAX_REMEMBERED_READS) {
		for (const [otherKey, other] of reads) if (other.expiresAt <= now) reads.delete(otherKey);
	}
	const read: RememberedRead = { expiresAt: now + (options.reuseMs ?? CREDENTIAL_REUSE_MS), credentials: readCredentials(context) };
	reads.set(key, read);
	read.credentials.catch(() => {
		if (reads.get(key) === read) reads.delete(key);
	});
	return await read.credentials;
}
