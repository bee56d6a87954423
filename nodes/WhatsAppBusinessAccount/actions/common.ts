/** What every operation of the WhatsApp Business Account node shares: item running, field errors, management calls. */
import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { phoneNumberIdLocator } from '../../shared/descriptions';
import { scheduleGraphCall } from '../../shared/limiter';
import { readCredentials } from '../../shared/transport/credentials';
import type { GraphRequest, WhatsAppCredentials } from '../../shared/transport/types';
import { PHONE_NUMBER_LABEL, runPerItem, toNodeError } from '../../shared/perItem';
import type { ItemJob } from '../../shared/perItem';
import { ManagementInputError } from './errors';


/** The business phone number an operation of a number-level resource (blocked users, profile, QR codes) acts on. */
export function phoneNumberField(resource: string, operation: string, description: string): INodeProperties {
	return { ...phoneNumberIdLocator, displayName: PHONE_NUMBER_LABEL, description, displayOptions: { show: { resource: [resource], operation: [operation] } } };
}

/** An output item that carries a file (a QR code's image) beside its JSON. */
export class ItemWithBinary {
	constructor(
		readonly json: IDataObject,
		readonly binary: IBinaryKeyData,
	) {}
}

/** One item's call, prepared after its parameters passed every check: one output item, or one per listed entry. */
export type ItemCall = () => Promise<IDataObject | IDataObject[] | ItemWithBinary>;


/**
 * Checks every item's parameters first (`prepare` throws a ManagementInputError for a bad field, so nothing is called
 * for a bad item), then runs the prepared calls through the gate, in input order, honouring "continue on fail".
 */
export async function runOperation(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	prepare: (itemIndex: number, credentials: WhatsAppCredentials) => ItemCall | Promise<ItemCall>,
): Promise<INodeExecutionData[]> {
	const credentials = await readCredentials(context);
	const jobs: Array<ItemJob<IDataObject | IDataObject[] | ItemWithBinary>> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			jobs.push({ itemIndex, run: await prepare(itemIndex, credentials) });
		} catch (error) {
			const nodeError = toNodeError(context.getNode(), error, itemIndex, credentials);
			if (!context.continueOnFail()) throw nodeError;
			jobs.push({ itemIndex, error: nodeError });
		}
	}
	return runPerItem(
		context,
		jobs,
		(result, itemIndex) => {
			if (Array.isArray(result)) return result.map((json) => ({ json, pairedItem: { item: itemIndex } }));
			if (result instanceof ItemWithBinary) return { json: result.json, binary: result.binary, pairedItem: { item: itemIndex } };
			return { json: result, pairedItem: { item: itemIndex } };
		},
		credentials,
	);
}

/** A call of Meta's management family (templates, profile, blocking, QR codes, flows): the gate's management budget. */
export async function managementCall<T>(credentials: WhatsAppCredentials, request: GraphRequest, phoneNumberId?: string): Promise<T> {
	const response = await scheduleGraphCall<T>({ credentials, family: 'management', phoneNumberId, request });
	return response.data;
}

/** The credential's WhatsApp Business Account ID, which the WABA's edges (templates, flows) are called on. */
export function wabaIdOf(credentials: WhatsAppCredentials): string {
	const wabaId = String(credentials.wabaId ?? '').trim();
	if (!/^\d{5,20}$/.test(wabaId)) {
		throw new ManagementInputError(
			['WhatsApp Cloud Nodes API credential', 'WhatsApp Business Account ID'],
			'is empty, and this operation needs it',
			'Add the WhatsApp Business Account ID (from WhatsApp Manager) to the WhatsApp Cloud Nodes API credential.',
		);
	}
	return wabaId;
}

/** A text parameter of one item, trimmed ('' when empty). */
export function textParam(context: IExecuteFunctions, name: string, itemIndex: number): string {
	const value = context.getNodeParameter(name, itemIndex, '') as unknown;
	return value === undefined || value === null ? '' : String(value).trim();
}

/** A Graph object ID (template, flow, QR code): digits only. */
export function graphId(context: IExecuteFunctions, name: string, label: string, itemIndex: number): string {
	const value = textParam(context, name, itemIndex);
	if (!/^\d{1,40}$/.test(value)) {
		throw new ManagementInputError(label, value === '' ? 'is empty' : `is "${value.slice(0, 40)}", which is not an ID: expected digits only`);
	}
	return value;
}
