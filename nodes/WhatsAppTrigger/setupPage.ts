/**
 * The trigger's `GET` webhook: Meta's verification handshake, or, for a browser, a plain-text page saying what to
 * enter at Meta.
 */
import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { readCredentials } from '../shared/transport/credentials';
import { answerHandshake } from '../shared/webhook';
import { customVerifyToken, readOptions, TRIGGER_NAME, triggerCredentials, verifyTokenOf } from './settings';
import { talksToMeta, unreachableCallbackReason } from './subscription';

export interface SetupPage {
	nodeName: string;
	productionUrl: string | undefined;
	/** The verify token to show, or where to find it. */
	token: string;
	/** Why Meta cannot reach the production URL, when the calls go to Meta and it cannot. */
	unreachable: string | undefined;
	/** Whether the editor listens for a test event (the request came to the Test URL). */
	listening: boolean;
}

/**
 * A token the trigger derived is shown only on the Test URL, which exists only while the editor listens for a test
 * event, so the public production URL never gives it away; a token the user set is never echoed.
 */
export function tokenToShow(custom: boolean, listening: boolean, derivedToken: () => string): string {
	if (custom) return 'the value of Options › Verify Token in this trigger';
	if (listening) return derivedToken();
	return 'shown on this trigger\'s Test URL: click "Listen for test event" in the trigger, then open its Test URL in your browser';
}

/** The plain-text page a browser gets at the trigger's URL: the Callback URL and Verify Token to enter at Meta. */
export function setupPageText(page: SetupPage): string {
	return [
		`This is the webhook of the n8n node "${TRIGGER_NAME}" ("${page.nodeName}"). Meta sends WhatsApp events here with POST requests; opening it in a browser only shows this page.`,
		'',
		'Meta calls only a public HTTPS address: https:// with a valid certificate, reachable from the internet. Give Meta the production URL below, never the Test URL (n8n answers there only while the editor listens).',
		...(page.unreachable
			? [`Meta cannot reach this n8n yet: ${page.unreachable}. Set n8n's N8N_WEBHOOK_URL (WEBHOOK_URL before n8n 2.35) to its public HTTPS address (a reverse proxy or a tunnel in front of n8n) and restart n8n.`]
			: []),
		'',
		'To set it up by hand in the Meta App Dashboard (WhatsApp → Configuration → Webhook; Subscription "Manual" in the trigger):',
		`  Callback URL: ${page.productionUrl ?? 'this address (the production URL of the trigger)'}`,
		`  Verify Token: ${page.token}`,
		'',
		'With the other Subscription choices the trigger sets both at Meta itself when the workflow is activated.',
		...(page.listening
			? [
					'',
					"While the editor listens, Meta's events come here only if no active workflow holds a more specific subscription: a phone number's override wins over a WhatsApp Business Account's, which wins over the app's callback. If another active workflow's trigger holds one, deactivate it while you test, or give this trigger the same Subscription.",
				]
			: []),
		'',
	].join('\n');
}

/** Answers the `GET` webhook itself: the handshake's challenge (or refusal), or the setup page. */
export async function answerSetup(context: IWebhookFunctions): Promise<IWebhookResponseData> {
	const res = context.getResponseObject();
	// Rare (Meta's handshake while activating, a browser): read fresh, as activation just did.
	const credentials = triggerCredentials(await readCredentials(context));
	const options = readOptions(context);
	const query = context.getQueryData() as Record<string, unknown>;
	if (!Object.keys(query).some((key) => key.startsWith('hub.'))) {
		// Someone opened the URL in a browser: say what it is and what to enter at Meta.
		const productionUrl = context.getNodeWebhookUrl('default');
		const listening = context.getMode() === 'manual';
		const page = setupPageText({
			nodeName: context.getNode().name,
			productionUrl,
			token: tokenToShow(customVerifyToken(options) !== '', listening, () => verifyTokenOf(context, credentials, options)),
			unreachable: talksToMeta(credentials) ? unreachableCallbackReason(productionUrl) : undefined,
			listening,
		});
		res.status(200).type('text/plain').send(page);
		return { noWebhookResponse: true };
	}
	const answer = answerHandshake(query, verifyTokenOf(context, credentials, options));
	res.status(answer.statusCode).type('text/plain').send(answer.body);
	return { noWebhookResponse: true };
}
