import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';
import { apiVersionClock, noteApiVersion } from './transport/credentials';
import { graphRequest, isGraphApiError, redactSecrets, type GraphApiError, type WhatsAppCredentials } from './transport';
import { apiVersionState, apiVersionWarning, NEWEST_API_VERSION, resolveApiVersion } from './transport/apiVersions';

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
		return `Meta does not accept Graph API version ${resolveApiVersion(credentials.apiVersion)}: choose a newer version in the credential.${suffix}`;
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
 * What each node needs of the credential, in the names of its fields. n8n runs one test for the credential whichever
 * node it is opened from, so a missing account ID is explained for all of them.
 */
export const CREDENTIAL_NEEDS: ReadonlyArray<{ node: string; needs: string }> = [
	{ node: 'WhatsApp Send Message', needs: 'Access Token; WhatsApp Business Account ID for templates and to pick the sender from a list' },
	{ node: 'WhatsApp Media', needs: 'Access Token; WhatsApp Business Account ID to pick the phone number from a list' },
	{ node: 'WhatsApp Metrics', needs: 'Access Token and WhatsApp Business Account ID' },
	{
		node: 'WhatsApp Cloud Trigger',
		needs: 'Access Token, WhatsApp Business Account ID (Meta sends an account\'s webhooks only to apps subscribed to it) and App Secret; Meta App ID too for Subscription "Meta App"',
	},
];

function needsText(): string {
	return CREDENTIAL_NEEDS.map(({ node, needs }) => `${node}: ${needs}.`).join(' ');
}

/** The message, with the version's end-of-life warning after it when there is one. */
function withVersionWarning(message: string, credentials: WhatsAppCredentials): string {
	const warning = apiVersionWarning(apiVersionState(credentials.apiVersion, apiVersionClock.now()));
	return warning ? `${message} ${warning}` : message;
}

/**
 * Check a credential against the Graph API and say in plain words what is wrong: invalid or expired token, no
 * access to the WhatsApp Business Account, wrong or missing account ID, unreachable base URL, wrong version.
 * A version near or past its end still passes (Meta serves an ended version's calls with the oldest live one); the
 * message says so. Calls the transport directly (not the gate): one call must not queue behind a running bulk send.
 */
export async function testWhatsAppCredentials(credentials: WhatsAppCredentials): Promise<INodeCredentialTestResult> {
	const result = await checkCredentials(credentials);
	return { status: result.status, message: withVersionWarning(result.message, credentials) };
}

async function checkCredentials(credentials: WhatsAppCredentials): Promise<INodeCredentialTestResult> {
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
		if (!wabaId) {
			// The token works, but templates, metrics, number lists and the trigger cannot: say what each node needs.
			return {
				status: 'Error',
				message: `The token is valid${name ? ` (${name})` : ''}, but the WhatsApp Business Account ID is empty. Copy it from WhatsApp Manager or the API Setup page of your Meta app. ${needsText()} Only sending by phone-number ID and WhatsApp Media work without it: for those alone you may save the credential as it is.`,
			};
		}
		return { status: 'OK', message: `Connected: the token can use WhatsApp Business Account ${name ? `"${name}" ` : ''}(${wabaId}).` };
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
	// n8n passes the stored data; fill the defaults a never-edited field would have.
	const apiVersion = data.apiVersion || NEWEST_API_VERSION;
	noteApiVersion(this ?? {}, apiVersion);
	return testWhatsAppCredentials({ ...data, apiVersion, baseUrl: data.baseUrl || 'https://graph.facebook.com' });
}
