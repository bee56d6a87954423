import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { PhoneNumberIdError } from './descriptions/phoneNumber';
import { fieldError, nameItem, namesItem } from './errors';
import { FieldError } from './fieldError';
import { toNodeApiError } from './nodeApiError';
import { isGraphApiError, redactSecrets } from './transport';
import type { WhatsAppCredentials } from './transport/types';

/** A bad phone-number ID, worded after the field's name as the node shows it. */
export function phoneNumberFieldError(node: INode, itemIndex: number, error: PhoneNumberIdError, label: string): NodeOperationError {
	const problem =
		error.value === ''
			? 'is empty: pick a number from the list or give its phone number ID'
			: `is "${error.value.slice(0, 40)}", which is not a phone number ID: expected 5 to 20 digits, as shown in Meta's WhatsApp Manager (not the phone number itself)`;
	return fieldError(node, itemIndex, label, problem);
}

export interface ItemErrorOptions {
	/** The phone-number field's name as the node shows it. */
	phoneNumberLabel: string;
	credentials?: Partial<WhatsAppCredentials>;
	/** A FieldError's field as the node shows it (a builder names `buttons[1].title`, the user sees "Buttons › Title"). */
	fieldLabel?: (error: FieldError) => string | readonly string[];
	/** The hint of a FieldError that has none of its own. */
	defaultHint?: (label: string | readonly string[]) => string;
}

/**
 * Any failure of one item as an n8n error naming the item (and the field, when known): an error already naming its
 * item as it is, a FieldError after its field's name, a bad phone-number ID after `phoneNumberLabel`, Graph failures
 * through the transport's helper (Meta's code, hint, fbtrace_id), everything else as a NodeOperationError. Secrets
 * redacted.
 */
export function toItemError(node: INode, error: unknown, itemIndex: number, options: ItemErrorOptions): NodeApiError | NodeOperationError {
	const { credentials } = options;
	if ((error instanceof NodeOperationError || error instanceof NodeApiError) && namesItem(error)) return error;
	if (error instanceof FieldError) {
		const label = options.fieldLabel?.(error) ?? error.field;
		const hint = error.hint ?? options.defaultHint?.(label);
		return fieldError(node, itemIndex, label, redactSecrets(error.problem, credentials), { description: hint && redactSecrets(hint, credentials) });
	}
	if (error instanceof PhoneNumberIdError) return phoneNumberFieldError(node, itemIndex, error, options.phoneNumberLabel);
	if (isGraphApiError(error)) return nameItem(toNodeApiError(node, error, itemIndex, credentials), itemIndex);
	const e = (error ?? {}) as { message?: string; description?: string };
	const description = e.description ? redactSecrets(e.description, credentials) : undefined;
	return nameItem(new NodeOperationError(node, redactSecrets(e.message ?? String(error), credentials), { itemIndex, description }), itemIndex);
}
