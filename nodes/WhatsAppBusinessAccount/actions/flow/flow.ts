/**
 * Flows' shared fields and checks. Categories: Meta's Flows API (Create); the Flow JSON's required top-level
 * properties (`version`, `screens`): https://developers.facebook.com/docs/whatsapp/flows/reference/flowjson
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { parseJsonOrUndefined } from '../../../shared/messages/rules';
import { graphId } from '../common';
import { ManagementInputError } from '../errors';

export const FLOW_CATEGORIES = [
	{ name: 'Appointment Booking', value: 'APPOINTMENT_BOOKING' },
	{ name: 'Contact Us', value: 'CONTACT_US' },
	{ name: 'Customer Support', value: 'CUSTOMER_SUPPORT' },
	{ name: 'Lead Generation', value: 'LEAD_GENERATION' },
	{ name: 'Other', value: 'OTHER' },
	{ name: 'Sign In', value: 'SIGN_IN' },
	{ name: 'Sign Up', value: 'SIGN_UP' },
	{ name: 'Survey', value: 'SURVEY' },
];

export const flowIdField = (operations: string[], description = 'The flow\'s ID, as Create or List output it'): INodeProperties => ({
	displayName: 'Flow ID',
	name: 'flowId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. 1234567890123456',
	displayOptions: { show: { resource: ['flow'], operation: operations } },
	description,
});

export const readFlowId = (context: IExecuteFunctions, itemIndex: number): string => graphId(context, 'flowId', 'Flow ID', itemIndex);

/** The categories of a flow: at least one of Meta's. */
export function checkCategories(value: unknown, field: string | string[]): string[] {
	const categories = (Array.isArray(value) ? value : String(value ?? '').split(',')).map((category) => String(category).trim()).filter(Boolean);
	if (categories.length === 0) throw new ManagementInputError(field, 'is empty: pick at least one category');
	const unknown = categories.find((category) => !FLOW_CATEGORIES.some((known) => known.value === category));
	if (unknown) throw new ManagementInputError(field, `has "${unknown}", which is not one of Meta's flow categories`);
	return categories;
}

/** A flow endpoint: Meta wants a valid URL, and the Flows endpoint guide an https one. */
export function checkEndpointUri(value: string, field: string | string[]): string {
	const uri = value.trim();
	if (!/^https:\/\/[^\s/]+\S*$/i.test(uri)) throw new ManagementInputError(field, `is "${uri.slice(0, 60)}": Meta wants the https:// URL of your flow endpoint`);
	return uri;
}

/** Meta's limit on a Flow JSON file (Flows API, Update Flow JSON: "The size is limited to 10 MB"). */
export const MAX_FLOW_JSON_BYTES = 10 * 1024 * 1024;

/** A Flow JSON as text, checked as Meta's validator would first: at most 10 MB, an object with a `version` and `screens`. */
export function checkFlowJson(text: string, field: string | string[]): string {
	const bytes = Buffer.byteLength(text, 'utf8');
	if (bytes > MAX_FLOW_JSON_BYTES) throw new ManagementInputError(field, `is ${(bytes / 1024 / 1024).toFixed(1)} MB: Meta takes a Flow JSON of at most 10 MB`);
	const parsed = parseJsonOrUndefined(text);
	if (!parsed) throw new ManagementInputError(field, 'is not valid JSON');
	const flow = parsed.value as { version?: unknown; screens?: unknown } | null;
	if (!flow || typeof flow !== 'object' || Array.isArray(flow)) throw new ManagementInputError(field, 'must be a Flow JSON object, e.g. { "version": "7.2", "screens": [ … ] }');
	if (typeof flow.version !== 'string' || flow.version.trim() === '') throw new ManagementInputError(field, 'has no "version": a Flow JSON names its version, e.g. "7.2"');
	if (!Array.isArray(flow.screens) || flow.screens.length === 0) throw new ManagementInputError(field, 'has no "screens": a Flow JSON has at least one screen');
	return text;
}
