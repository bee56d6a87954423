/** Subscription "Manual": nothing is changed at Meta; the user enters the callback URL and verify token there. */
import { SubscriptionError, type LifecycleInput, type SubscriptionStrategy } from './types';

export const manualSubscription: SubscriptionStrategy = {
	mode: 'manual',
	label: 'Manual',
	description:
		'Nothing is changed at Meta: you enter the callback URL and verify token in the Meta App Dashboard',
	setsCallback: false,

	async check(input: LifecycleInput): Promise<boolean> {
		// The user types the token at Meta, so it must be one they chose and can see.
		if (!input.customVerifyToken) {
			// The derived token is offered as a value to copy: the user then knows it and enters it at Meta.
			throw new SubscriptionError(
				'"Options › Verify Token" is empty, and a Manual subscription needs one',
				`Set Options › Verify Token to a value of your choice (for example ${input.verifyToken}, made for this trigger). Then in the Meta App Dashboard (WhatsApp → Configuration → Webhook) enter the Callback URL ${input.callbackUrl || "(this trigger's Production URL)"} and the same Verify Token.`,
			);
		}
		return true;
	},

	async subscribe(): Promise<undefined> {
		return undefined;
	},

	async unsubscribe(): Promise<void> {},
};
