import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';
import { GraphApiError, isGraphApiError } from './errors';
import { graphRequest } from './index';
import { redactSecrets } from './redact';
import type { WhatsAppCredentials } from './types';

/** A credential test must answer while the user waits in the dialog. */
const CREDENTIAL_TEST_TIMEOUT_MS = 15_000;

interface GraphObject {
	id?: string;
	name?: string;
}

function explain(error: GraphApiError, credentials: WhatsAppCredentials, target: string): string {
	const base = String(credentials.baseUrl ?? '').replace(/\/+$/, '');
	const facts = [error.code !== undefined ? `Meta error ${error.code}${error.subcode !== undefined ? `/${error.subcode}` : ''}` : '', error.fbtraceId ? `fbtrace_id ${error.fbtraceId}` : '']
		.filter(Boolean)
		.join(', ');
	const suffix = facts ? ` (${facts})` : '';
	const metaText = error.message;

	// Our own texts (bad settings, a refused connection); an answer's text is never quoted unless it is Meta's envelope.
	if (error.invalidInput && error.httpStatus === undefined) return metaText;
	if (error.code === 190 && error.subcode === 463) {
		return `The access token has expired. Create a permanent system-user token in Meta Business Settings and paste it here.${suffix}`;
	}
	if (error.code === 190 || error.code === 0 || error.code === 102) {
		return `The access token is invalid: Meta did not accept it. Copy the whole token again (no spaces), or create a new system-user token.${suffix}`;
	}
	if (credentials.wabaId && (error.code === 10 || error.code === 100 || (error.code !== undefined && error.code >= 200 && error.code <= 299))) {
		const nodeType = /node type \((\w+)\)/.exec(metaText)?.[1];
		if (nodeType && nodeType !== 'WhatsAppBusinessAccount') {
			return `The WhatsApp Business Account ID ${credentials.wabaId} is not a WhatsApp Business Account but a ${nodeType}: copy the account ID from WhatsApp Manager.${suffix}`;
		}
		return `The token is valid but lacks access to WhatsApp Business Account ${credentials.wabaId}, or that ID is wrong. Check the ID in WhatsApp Manager and give the system user access to this account (with whatsapp_business_management and whatsapp_business_messaging).${suffix}`;
	}
	if (error.code === 2500 || error.code === 12 || /version/i.test(metaText)) {
		return `Meta does not accept Graph API version ${credentials.apiVersion}: choose a newer version in the credential.${suffix}`;
	}
	if (error.httpStatus === undefined && error.networkCode) {
		return `Could not reach the Graph API at ${base} (${error.networkCode}). Check the Graph Base URL, your network, DNS and proxy settings.`;
	}
	if (error.httpStatus === 404 && error.code === undefined) {
		return `${base} answered "not found" for ${target}: the Graph Base URL does not look like the Graph API.`;
	}
	if (error.errorClass === 'throttled' || error.errorClass === 'transient') {
		return `Meta is busy or briefly unavailable (${error.userTitle}); the credential may be fine. Try the test again in a minute.${suffix}`;
	}
	if (error.httpStatus !== undefined && error.code === undefined) {
		return `${base} answered HTTP ${error.httpStatus} for ${target} without Meta's error details: the Graph Base URL does not look like the Graph API (its answer is not shown here).`;
	}
	return `The Graph API rejected the test call: ${metaText}${suffix}`;
}

/**
 * Check a credential against the Graph API and say in plain words what is wrong: invalid or expired token, no
 * access to the WhatsApp Business Account, wrong account ID, unreachable base URL, wrong version.
 * Calls the transport directly (not the gate): one call must not queue behind a running bulk send.
 */
export async function testWhatsAppCredentials(credentials: WhatsAppCredentials): Promise<INodeCredentialTestResult> {
	const wabaId = String(credentials.wabaId ?? '').trim();
	if (wabaId && !/^\d+$/.test(wabaId)) {
		return {
			status: 'Error',
			message: `The WhatsApp Business Account ID must be digits only (found "${redactSecrets(wabaId, credentials)}"): copy it from WhatsApp Manager.`,
		};
	}
	const path = wabaId ? `/${wabaId}` : '/me';
	try {
		const response = await graphRequest<GraphObject>(credentials, {
			method: 'GET',
			path,
			query: { fields: 'id,name' },
			timeoutMs: CREDENTIAL_TEST_TIMEOUT_MS,
		});
		const name = response.data?.name;
		return {
			status: 'OK',
			message: wabaId
				? `Connected: the token can use WhatsApp Business Account ${name ? `"${name}" ` : ''}(${wabaId}).`
				: `Connected: the token is valid${name ? ` (${name})` : ''}. Add the WhatsApp Business Account ID to use templates and metrics.`,
		};
	} catch (error) {
		if (isGraphApiError(error)) {
			return { status: 'Error', message: redactSecrets(explain(error, credentials, path), credentials) };
		}
		const text = error instanceof Error ? error.message : String(error);
		return { status: 'Error', message: redactSecrets(`The test failed: ${text}`, credentials) };
	}
}

/** Register on every node as `methods.credentialTest.whatsAppCloudApiTest` with `testedBy: 'whatsAppCloudApiTest'`. */
export async function whatsAppCloudApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted<ICredentialDataDecryptedObject>,
): Promise<INodeCredentialTestResult> {
	const data = (credential.data ?? {}) as unknown as WhatsAppCredentials;
	return testWhatsAppCredentials({
		...data,
		// n8n passes the stored data; fill the defaults a never-edited field would have.
		apiVersion: data.apiVersion || 'v26.0',
		baseUrl: data.baseUrl || 'https://graph.facebook.com',
	});
}
