/** The message a "Send Message" or "Send and Wait for Reply" sends: its kind, recipient and the kind's own fields. */
import type { INodeProperties } from 'n8n-workflow';
import { SEND_AND_WAIT_OPERATION } from 'n8n-workflow';

import { messageKinds } from './index';
import { recipientField, sendOptionsField, show } from './common';
import { FREE_FORM_KINDS, KINDS, SENDING_KINDS } from './kinds';
import { SEND_OPERATION } from './operationNames';

/** The operations that send a message of a Message Type. */
const MESSAGE_OPERATIONS = [SEND_OPERATION, SEND_AND_WAIT_OPERATION];

/**
 * A field shown for some kinds, shown only for the operations that send one: n8n checks a hidden Message Type at its
 * default (Text), so without this the Text fields would show under Mark as Read.
 */
function whenSending(field: INodeProperties): INodeProperties {
	return { ...field, displayOptions: { ...field.displayOptions, show: { operation: MESSAGE_OPERATIONS, ...field.displayOptions?.show } } };
}

/** Only the kinds that send: Mark as Read is an operation of its own (a saved `messageType: markAsRead` still runs). */
const messageTypeField: INodeProperties = {
	displayName: 'Message Type',
	name: 'messageType',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { operation: MESSAGE_OPERATIONS } },
	options: SENDING_KINDS.map((value) => ({
		name: KINDS[value].name,
		value,
		description: KINDS[value].description,
		action: `Send a ${KINDS[value].name.toLowerCase()} message`,
	})),
	default: 'text',
};

/** Each kind's fields once (the five media kinds share one module). */
const kindFields = [...new Set(Object.values(messageKinds))].flatMap((kind) => kind.description);

export const messageFields: INodeProperties[] = [
	messageTypeField,
	...[
		recipientField,
		{
			displayName:
				'Free-form messages reach a user only within 24 hours of their last message to you; outside that window, send a Template',
			name: 'windowNotice',
			type: 'notice',
			default: '',
			displayOptions: show(...FREE_FORM_KINDS),
		} as INodeProperties,
		...kindFields,
	].map(whenSending),
];

/** Options of a message (after "Send and Wait for Reply"'s own fields). */
export const messageOptionsField = whenSending(sendOptionsField);
