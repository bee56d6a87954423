/**
 * A trigger takes over only its own other URL (Production while a test run listens) and hands only that back on
 * deactivation: any other callback may be another tool's.
 */
import { isOwnOtherUrl } from './callbackUrl';
import { SubscriptionError, type LifecycleInput } from './types';

/** Refuses to take over `url`, set at `where`, unless it is this trigger's other URL; answers it to hand back then. */
export function takeOver(input: LifecycleInput, where: string, url: string | undefined): string | undefined {
	if (!url || url === input.callbackUrl) return undefined;
	if (!isOwnOtherUrl(input.callbackUrl, url)) {
		throw new SubscriptionError(
			`${where} already sends its webhooks to ${url}, which is not this trigger's`,
			'This trigger takes over only its own Production URL (while you test). Choose another Subscription (a WhatsApp Business Account or a Phone Number) so both can work side by side, deactivate the workflow that uses that URL, or remove that callback in the Meta App Dashboard first.',
		);
	}
	return url;
}

/**
 * Hands the callback back to `previousUrl` with `setPrevious` when it is this trigger's other URL; answers whether
 * it did. A recorded URL that is not this trigger's (an earlier version took over any trigger-shaped URL) is not
 * handed back. Never throws over a refused hand-back.
 */
export async function handBack(
	input: LifecycleInput,
	previousUrl: string | undefined,
	setPrevious: (url: string, token: string) => Promise<unknown>,
): Promise<boolean> {
	if (!previousUrl) return false;
	if (!isOwnOtherUrl(input.callbackUrl, previousUrl)) {
		input.warn(`Did not hand the webhook back to ${previousUrl}, which had it before this trigger: it is not this trigger's URL. Set it again in the Meta App Dashboard if it is still needed.`);
		return false;
	}
	try {
		// The same trigger: the same options, so the same verify token.
		await setPrevious(previousUrl, input.verifyToken);
		return true;
	} catch (error) {
		input.warn(`Could not hand the webhook back to ${previousUrl} (${(error as Error).message}); removing this trigger's instead`);
		return false;
	}
}
