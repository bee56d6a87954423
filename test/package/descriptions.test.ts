/**
 * n8n 1.x orders a node's parameters by the parameters their `displayOptions` name, at every run and activation
 * (n8n-workflow 1.x, NodeHelpers.getParameterResolveOrder): a name that is not a top-level parameter of the node (a
 * nested path such as `replyButtons.button[3]`) can never be resolved, and every run of the node fails with "Could not
 * resolve parameter dependencies. Max iterations reached!". n8n 2.x tolerates it, so only the 1.x smoke test would
 * notice; this checks the rule itself. Root paths (`/…`) and special names (`@version`) are fine in both.
 */
import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';

import { WhatsAppBusinessAccount } from '../../nodes/WhatsAppBusinessAccount/WhatsAppBusinessAccount.node';
import { WhatsAppMedia } from '../../nodes/WhatsAppMedia/WhatsAppMedia.node';
import { WhatsAppMetrics } from '../../nodes/WhatsAppMetrics/WhatsAppMetrics.node';
import { WhatsAppSendMessage } from '../../nodes/WhatsAppSendMessage/WhatsAppSendMessage.node';
import { WhatsAppTrigger } from '../../nodes/WhatsAppTrigger/WhatsAppTrigger.node';

const descriptions: Array<[string, INodeTypeDescription]> = [
	['WhatsApp Send Message', new WhatsAppSendMessage().description],
	['WhatsApp Media', new WhatsAppMedia().description],
	['WhatsApp Metrics', new WhatsAppMetrics().description],
	['WhatsApp Cloud Trigger', new WhatsAppTrigger().description],
	['WhatsApp Business Account', new WhatsAppBusinessAccount().description],
];

/** The names a level's parameters depend on that n8n 1.x cannot find at that level. */
function unresolvable(properties: INodeProperties[]): string[] {
	const names = new Set(properties.map((property) => property.name));
	const found: string[] = [];
	for (const property of properties) {
		for (const rule of Object.values(property.displayOptions ?? {})) {
			for (const name of Object.keys(rule ?? {})) {
				if (name.startsWith('@') || name.startsWith('/') || names.has(name)) continue;
				found.push(`${property.name} → ${name}`);
			}
		}
	}
	return found;
}

describe.each(descriptions)('%s', (_name, description) => {
	it('shows each parameter by top-level parameters or root paths only, as n8n 1.x can order them', () => {
		expect(unresolvable(description.properties)).toEqual([]);
	});
});
