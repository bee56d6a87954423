import type { GraphErrorClass, GraphUsage, WhatsAppCredentials } from './types';
import { redactSecrets } from './redact';

/** Meta codes the gate waits on and retries. Branch on these codes, never on HTTP 429/400. */
export const THROTTLED_CODES: ReadonlySet<number> = new Set([130429, 80007, 4, 131056, 131057, 2494100]);
/** Meta codes for "temporarily unavailable": retry with backoff. */
export const TRANSIENT_CODES: ReadonlySet<number> = new Set([2, 131000, 131016]);
/**
 * Meta codes that are final whatever the HTTP status: 3 (permissions), 131045 and 133000 (registration problems)
 * and 134102 (Marketing Messages API: template unavailable, account not onboarded) come with HTTP 500, and 1
 * ("invalid request or possible server error") with 400. Retrying them only repeats them.
 */
export const PERMANENT_CODES: ReadonlySet<number> = new Set([1, 3, 131045, 133000, 134102]);
/** Meta's code for a paging cursor that is no longer valid (v24+): list again without it. */
export const STALE_CURSOR_CODE = 131059;
/** Meta's codes for "template insights are not enabled on this WhatsApp Business Account". */
export const INSIGHTS_DISABLED_CODES: ReadonlySet<number> = new Set([200005, 200006, 200007]);

/** Where a network failure happened relative to sending the request. */
export type SendStage = 'beforeSent' | 'mayHaveBeenSent';

export interface GraphApiErrorInit {
	message: string;
	httpStatus?: number;
	code?: number;
	subcode?: number;
	type?: string;
	details?: string;
	fbtraceId?: string;
	usage?: GraphUsage;
	/** Set for failures without a response: `ECONNREFUSED`, `ECONNRESET`, `ETIMEDOUT`… */
	networkCode?: string;
	sendStage?: SendStage;
	/** `POST /123/messages`, without query string or host. */
	request?: string;
	/** Bad input found before any call (e.g. a malformed base URL). Always permanent. */
	invalidInput?: boolean;
}

/** The class the gate reacts to: by Meta's code first, by HTTP status only for codes Meta's table does not list. */
export function classifyGraphError(e: {
	httpStatus?: number;
	code?: number;
	networkCode?: string;
	sendStage?: SendStage;
	invalidInput?: boolean;
}): GraphErrorClass {
	if (e.invalidInput) return 'permanent';
	if (e.code !== undefined && THROTTLED_CODES.has(e.code)) return 'throttled';
	if (e.code !== undefined && TRANSIENT_CODES.has(e.code)) return 'transient';
	if (e.code !== undefined && PERMANENT_CODES.has(e.code)) return 'permanent';
	if (e.httpStatus !== undefined && e.httpStatus >= 500) return 'transient';
	if (e.httpStatus === undefined && e.networkCode !== undefined) {
		return e.sendStage === 'beforeSent' ? 'transient' : 'ambiguous';
	}
	// An HTTP 429 without Meta's envelope came from something in between (a proxy): back off, but it is not Meta's
	// throttling signal, which is always carried by the code.
	if (e.code === undefined && e.httpStatus === 429) return 'transient';
	return 'permanent';
}

interface Hint {
	title: string;
	hint: string;
}

const HINTS_BY_CODE: Record<number, Hint> = {
	0: { title: 'Authentication failed', hint: 'Check the access token in the WhatsApp Cloud Nodes API credential.' },
	1: {
		title: 'Invalid request or possible server error',
		hint: 'Check the WhatsApp Business Platform status page; if there is no outage, check the request against the details. Not retried: Meta answers the same again.',
	},
	2: { title: 'Meta service temporarily unavailable', hint: 'Temporary: retry in a moment.' },
	3: {
		title: 'Capability or permission missing',
		hint: 'The app lacks a permission or capability this call needs: check the token with Meta\'s access token debugger.',
	},
	4: {
		title: 'Too many calls from this Meta app',
		hint: 'The app call limit was reached: calls are slowed down and retried; lower the volume if it persists.',
	},
	10: {
		title: 'Permission denied',
		hint: 'The token lacks a permission: give the system user whatsapp_business_messaging and whatsapp_business_management on this WhatsApp Business Account.',
	},
	100: {
		title: 'Invalid parameter',
		hint: 'A field sent to Meta is wrong or an ID does not exist or is not reachable with this token: see the details.',
	},
	190: {
		title: 'Access token invalid',
		hint: 'The access token was rejected: paste a valid permanent (system user) token into the credential.',
	},
	368: { title: 'Temporarily blocked for policy violations', hint: 'Meta blocked this account: see Business Manager.' },
	80007: {
		title: 'WhatsApp Business Account call budget used up',
		hint: 'Calls are paused until Meta restores access (see the usage header) and then retried.',
	},
	130429: {
		title: 'Throughput limit of the phone number reached',
		hint: 'Sends are slowed down and retried; check the throughput tier in the credential.',
	},
	131000: { title: 'Something went wrong at Meta', hint: 'Temporary: retry in a moment.' },
	131005: { title: 'Access denied', hint: 'The token lacks permission for this phone number or account.' },
	131008: { title: 'Required parameter missing', hint: 'A required field is missing: see the details.' },
	131009: { title: 'Parameter value not valid', hint: 'A field has a value Meta does not accept: see the details.' },
	131016: { title: 'Meta service overloaded', hint: 'Temporary: retry in a moment.' },
	131026: {
		title: 'Message undeliverable',
		hint: 'The recipient may not have WhatsApp, may use an old version, or has not accepted the latest terms.',
	},
	131031: { title: 'Account locked', hint: 'The WhatsApp Business Account is restricted or locked: see Business Manager.' },
	131045: {
		title: 'Phone number registration error',
		hint: 'The sending phone number is not (or not correctly) registered with the Cloud API: register it (POST /{phone-number-id}/register) before trying again.',
	},
	131047: {
		title: 'More than 24 hours since the customer last replied: send a template',
		hint: 'Free-form messages are only allowed within 24 hours of the customer’s last message; use an approved template instead.',
	},
	131048: {
		title: 'Spam rate limit hit',
		hint: 'Too many of this number’s messages were blocked or reported: stop and improve message quality.',
	},
	131049: {
		title: 'Meta limits marketing messages to this person',
		hint: 'Meta limits marketing messages to this person: try again after 24 h (sooner fails the same way).',
	},
	131050: {
		title: 'The person stopped marketing messages',
		hint: 'The person stopped marketing messages from your business on WhatsApp: do not send them marketing templates.',
	},
	131051: { title: 'Unsupported message type', hint: 'This message type cannot be sent.' },
	131053: {
		title: 'Media upload error',
		hint: 'The media file’s type does not match its content or is not supported: check the MIME type.',
	},
	131056: {
		title: 'Too many messages to this recipient',
		hint: 'WhatsApp limits how often one person can be messaged: this recipient is retried later.',
	},
	131057: {
		title: 'Phone number in maintenance',
		hint: 'The number is being upgraded (usually about a minute): sends are retried later.',
	},
	131059: {
		title: 'Paging cursor no longer valid',
		hint: 'Meta no longer accepts this page\'s cursor: list again from the first page.',
	},
	132000: {
		title: 'Template parameter count mismatch',
		hint: 'The number of template variables sent differs from the template’s definition.',
	},
	132001: {
		title: 'Template does not exist',
		hint: 'No approved template with this name in this language: check the name and language code.',
	},
	132015: { title: 'Template paused', hint: 'The template was paused for low quality: edit it or use another one.' },
	133000: {
		title: 'Incomplete deregistration',
		hint: 'A previous deregistration of this phone number failed: deregister it again before registering it.',
	},
	133016: {
		title: 'Register/deregister limit reached',
		hint: 'Too many register or deregister attempts for this number: wait before trying again.',
	},
	2494100: {
		title: 'Phone number in maintenance',
		hint: 'Meta is working on this number (usually a few minutes): sends wait and are retried.',
	},
};

const INSIGHTS_HINT: Hint = {
	title: 'Template insights are not enabled for this WhatsApp Business Account',
	hint: 'Enable them once in WhatsApp Manager (Insights) or with POST /{waba-id}?is_enabled_for_insights=true; template analytics are collected from then on.',
};

function hintFor(init: GraphApiErrorInit, errorClass: GraphErrorClass): Hint {
	if (init.invalidInput) {
		return { title: 'Settings not valid', hint: 'Nothing was sent to Meta: fix the setting the message names (usually in the WhatsApp Cloud Nodes API credential).' };
	}
	if (init.code === 190 && init.subcode === 463) {
		return {
			title: 'Access token expired',
			hint: 'The access token has expired: create a permanent system-user token in Meta Business Settings and paste it into the credential.',
		};
	}
	if (init.code !== undefined && HINTS_BY_CODE[init.code]) return HINTS_BY_CODE[init.code];
	if (init.code !== undefined && INSIGHTS_DISABLED_CODES.has(init.code)) return INSIGHTS_HINT;
	if (init.code !== undefined && init.code >= 200 && init.code <= 299) return HINTS_BY_CODE[10];
	if (init.httpStatus === undefined && init.networkCode) {
		if (errorClass === 'transient') {
			return {
				title: 'Could not reach the Graph API',
				hint: 'Nothing was sent. Check the Graph base URL in the credential, the network, DNS and any proxy (HTTPS_PROXY / NO_PROXY).',
			};
		}
		return {
			title: 'Connection lost after the request was sent',
			hint: 'Meta may or may not have processed this call (for a send: the message may have gone out). It is not retried automatically unless "Retry Ambiguous Failures" is on in the credential.',
		};
	}
	if (init.httpStatus !== undefined && init.httpStatus >= 500) {
		return { title: 'Meta answered with a server error', hint: 'Temporary: retry in a moment.' };
	}
	return { title: 'The Graph API rejected the call', hint: 'See the error code and details.' };
}

/**
 * A failed Graph call. Holds only copied, redacted fields: never the axios error, config, request or headers, so
 * neither the access token nor the app secret can leak through `message`, `stack`, `JSON.stringify` or `inspect`.
 */
export class GraphApiError extends Error {
	readonly httpStatus?: number;
	readonly code?: number;
	readonly subcode?: number;
	readonly type?: string;
	readonly details?: string;
	readonly fbtraceId?: string;
	readonly usage: GraphUsage;
	readonly errorClass: GraphErrorClass;
	/** Throttled and transient failures are worth retrying; ambiguous ones only if the user opted in. */
	readonly retryable: boolean;
	readonly networkCode?: string;
	readonly sendStage?: SendStage;
	/** Method and path of the failed call, e.g. `POST /123/messages`. */
	readonly request?: string;
	/** True when the call was refused before sending because the settings or input are unusable. */
	readonly invalidInput?: boolean;
	/** Short text a user understands, e.g. "Access token expired". */
	readonly userTitle: string;
	/** What to do about it, in plain words. */
	readonly userHint: string;
	/** Set by the gate: how many attempts were made in total. */
	attempts?: number;
	/** Set by the gate: total time spent waiting (pacing, backoff), in ms. */
	waitedMs?: number;

	constructor(init: GraphApiErrorInit, credentials?: Partial<WhatsAppCredentials>) {
		super(redactSecrets(init.message, credentials));
		this.name = 'GraphApiError';
		this.httpStatus = init.httpStatus;
		this.code = init.code;
		this.subcode = init.subcode;
		this.type = init.type === undefined ? undefined : redactSecrets(init.type, credentials);
		this.details = init.details === undefined ? undefined : redactSecrets(init.details, credentials);
		this.fbtraceId = init.fbtraceId === undefined ? undefined : redactSecrets(init.fbtraceId, credentials);
		this.usage = init.usage ?? {};
		this.networkCode = init.networkCode;
		this.sendStage = init.sendStage;
		this.request = init.request === undefined ? undefined : redactSecrets(init.request, credentials);
		this.invalidInput = init.invalidInput || undefined;
		this.errorClass = classifyGraphError(init);
		this.retryable = this.errorClass === 'throttled' || this.errorClass === 'transient';
		const hint = hintFor(init, this.errorClass);
		this.userTitle = hint.title;
		this.userHint = hint.hint;
		// Drop undefined fields so logs and JSON stay short.
		for (const key of Object.keys(this) as Array<keyof this>) {
			if (this[key] === undefined) delete this[key];
		}
	}

	/** What `JSON.stringify(error)` gives: the safe fields plus the message. */
	toJSON(): Record<string, unknown> {
		return { name: this.name, message: this.message, ...Object.fromEntries(Object.entries(this)) };
	}
}

export function isGraphApiError(error: unknown): error is GraphApiError {
	return error instanceof GraphApiError || (error instanceof Error && error.name === 'GraphApiError');
}

/** Settings or input the transport refuses before anything is sent: permanent, never retried. */
export function invalidInput(message: string): GraphApiError {
	return new GraphApiError({ message, invalidInput: true });
}
