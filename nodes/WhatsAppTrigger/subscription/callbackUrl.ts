/** Whether Meta can call a trigger's callback URL, and whether a callback already set at Meta is this trigger's. */
import type { WhatsAppCredentials } from '../../shared/transport/types';
import { SubscriptionError } from './types';

function isPrivateHost(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal')) return true;
	if (!host.includes('.') && !host.includes(':')) return true;
	const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
	if (v4) {
		const [a, b] = [Number(v4[1]), Number(v4[2])];
		return (
			a === 10 ||
			a === 127 ||
			a === 0 ||
			(a === 169 && b === 254) ||
			(a === 172 && b >= 16 && b <= 31) ||
			(a === 192 && b === 168) ||
			(a === 100 && b >= 64 && b <= 127)
		);
	}
	if (host.includes(':')) return host === '::1' || host === '::' || host.startsWith('fc') || host.startsWith('fd') || host.startsWith('fe80');
	return false;
}

/** Whether Graph calls go to Meta itself (not the simulator or a proxy that forwards to a private n8n). */
export function talksToMeta(credentials: WhatsAppCredentials): boolean {
	try {
		const host = new URL(credentials.baseUrl).hostname.toLowerCase();
		return host === 'graph.facebook.com' || host.endsWith('.facebook.com');
	} catch {
		return true;
	}
}

/** Why Meta cannot reach a callback URL, or undefined when it can (public HTTPS). */
export function unreachableCallbackReason(callbackUrl: string | undefined): string | undefined {
	if (!callbackUrl) return 'n8n did not give this trigger a webhook URL';
	let url: URL;
	try {
		url = new URL(callbackUrl);
	} catch {
		return `"${callbackUrl}" is not a URL`;
	}
	if (url.protocol !== 'https:') return `${callbackUrl} is not HTTPS (Meta only calls https:// URLs with a valid certificate)`;
	if (isPrivateHost(url.hostname)) return `${callbackUrl} points to a private or local address that Meta cannot reach`;
	return undefined;
}

/** Refuses a callback URL Meta cannot call, when the calls go to Meta (the simulator reaches a local n8n). */
export function requireReachable(credentials: WhatsAppCredentials, callbackUrl: string): void {
	if (!talksToMeta(credentials)) return;
	const reason = unreachableCallbackReason(callbackUrl);
	if (reason) {
		throw new SubscriptionError(
			`Meta cannot reach this trigger: ${reason}`,
			'Set N8N_WEBHOOK_URL (WEBHOOK_URL before n8n 2.35) to the public HTTPS address of your n8n (for example behind a reverse proxy or a tunnel) and restart n8n, or choose Subscription "Manual" and set the callback URL yourself.',
		);
	}
}

/** Meta's longest override callback URL (WABA and phone-number subscriptions). */
export const MAX_OVERRIDE_URL_LENGTH = 200;

export function callbackUrlTooLong(callbackUrl: string, subscription: string, maxLength: number): SubscriptionError {
	return new SubscriptionError(
		`This trigger's callback URL is ${callbackUrl.length} characters long, and Meta accepts at most ${maxLength} for Subscription "${subscription}"`,
		`The callback URL is your n8n's public address (N8N_WEBHOOK_URL, or WEBHOOK_URL before n8n 2.35) followed by this trigger's path: ${callbackUrl.slice(0, 80)}…. Set a shorter one, or choose Subscription "Meta App", whose callback has no such limit.`,
	);
}

/** The webhook ID in an n8n webhook URL of this node (`…/webhook/<id>/webhook`, `…/webhook-test/<id>/webhook`). */
export function webhookIdFromUrl(url: string): string | undefined {
	try {
		const segments = new URL(url).pathname.split('/').filter((segment) => segment !== '');
		if (segments.length < 2 || segments[segments.length - 1] !== 'webhook') return undefined;
		const id = segments[segments.length - 2];
		return /^[0-9a-fA-F-]{8,}$/.test(id) ? id : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Whether `url` is this trigger's own other URL (its Production URL while its Test URL holds the callback, or the
 * reverse): same n8n origin, same webhook ID. Only such a callback is taken over and handed back: any other, even
 * one shaped like a trigger's (n8n's own WhatsApp Trigger has the same path), may be another tool's.
 */
export function isOwnOtherUrl(callbackUrl: string, url: string): boolean {
	const webhookId = webhookIdFromUrl(url);
	if (webhookId === undefined || webhookId !== webhookIdFromUrl(callbackUrl)) return false;
	return new URL(url).origin === new URL(callbackUrl).origin;
}
