import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { readParameter } from '../parameters';

/**
 * The sender phone number as a resource locator: picked from the WABA's numbers (display number + verified name),
 * typed as an ID, or set by an expression. Read it with `getPhoneNumberId(this, itemIndex)`.
 */
export const phoneNumberIdLocator: INodeProperties = {
	displayName: 'Sender Phone Number',
	name: 'phoneNumberId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description:
		'The WhatsApp Business phone number to send from. Pick it from the list of your WhatsApp Business Account, or give its phone number ID (a long number shown in Meta\'s WhatsApp Manager, not the phone number itself).',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a phone number...',
			typeOptions: {
				searchListMethod: 'searchPhoneNumbers',
				searchable: true,
				searchFilterRequired: false,
			},
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 106540352242922',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: '^\\s*[0-9]{5,20}\\s*$',
						errorMessage: 'A phone number ID is a number of 5 to 20 digits (not the phone number itself)',
					},
				},
			],
		},
	],
};

/** Reads the sender phone-number ID of one item and checks it is digits only. */
export function getPhoneNumberId(context: IExecuteFunctions, itemIndex: number, parameterName = 'phoneNumberId'): string {
	const raw = readParameter<unknown>(context, parameterName, itemIndex, '', { extractValue: true });
	const value = String(raw ?? '').trim();
	if (!/^[0-9]{5,20}$/.test(value)) {
		throw new PhoneNumberIdError(value);
	}
	return value;
}

/** Thrown by `getPhoneNumberId`; nodes turn it into a NodeOperationError for the item. */
export class PhoneNumberIdError extends Error {
	readonly field = 'phoneNumberId';
	constructor(readonly value: string) {
		super(
			value === ''
				? 'Sender Phone Number is empty: pick a number from the list or give its phone number ID'
				: `Sender Phone Number "${value.slice(0, 40)}" is not a phone number ID: expected 5 to 20 digits, as shown in Meta's WhatsApp Manager (not the phone number itself)`,
		);
		this.name = 'PhoneNumberIdError';
	}
}

/**
 * The sender's display number ("+1 555-0100") when the user picked it from the list: n8n keeps the list entry's name
 * ("+1 555-0100 · Acme Support") beside the ID. Undefined for an ID or expression (no call is made to look it up).
 */
export function getSenderDisplayNumber(context: IExecuteFunctions, itemIndex: number, parameterName = 'phoneNumberId'): string | undefined {
	const locator = context.getNodeParameter(parameterName, itemIndex, undefined) as { mode?: unknown; cachedResultName?: unknown } | undefined;
	if (!locator || typeof locator !== 'object' || locator.mode !== 'list' || typeof locator.cachedResultName !== 'string') return undefined;
	const display = locator.cachedResultName.split(' · ')[0].trim();
	return /^\+?[0-9][0-9 ()\-.]{4,}$/.test(display) ? display : undefined;
}
