import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildInteractiveButtons, MAX_REPLY_BUTTONS } from '../../shared/messages';
import { collectionList, param, readEnvelope, show } from './common';
import { interactiveLabels, interactiveTextFields, readBodyAndFooter, readInteractiveHeader } from './interactiveCommon';
import { checkPassIds, inSlot, prepared } from './media';
import type { BuildBody, MessageKindModule, PreparedMessage } from './types';

/**
 * Shown while a fourth button exists; the run refuses it too, naming the item (buildInteractiveButtons). A root path
 * (`/…`): n8n 1.x cannot order parameters that depend on a nested path, and fails every run of the node.
 */
const tooManyButtonsNotice: INodeProperties = {
	displayName: `"Buttons" has more than ${MAX_REPLY_BUTTONS} buttons: WhatsApp allows at most ${MAX_REPLY_BUTTONS} reply buttons, so this message would be refused. Remove Button ${MAX_REPLY_BUTTONS + 1} and after, or use the List kind (up to 10 rows).`,
	name: 'tooManyButtonsNotice',
	type: 'notice',
	default: '',
	displayOptions: { show: { messageType: ['buttons'], [`/replyButtons.button[${MAX_REPLY_BUTTONS}]`]: [{ _cnd: { exists: true } }] } },
};

export const description: INodeProperties[] = [
	...interactiveTextFields(['buttons'], true),
	{
		displayName: 'Buttons',
		name: 'replyButtons',
		type: 'fixedCollection',
		// No maxAllowedFields: n8n would refuse a fourth button with its generic "At most 3 fields are allowed".
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add button',
		default: { button: [{ id: '', title: '' }] },
		required: true,
		hint: 'Up to 3 buttons. The tapped button comes back to the WhatsApp Cloud Trigger as a button reply with its ID.',
		displayOptions: show('buttons'),
		options: [
			{
				displayName: 'Button',
				name: 'button',
				values: [
					{
						displayName: 'Title',
						name: 'title',
						type: 'string',
						default: '',
						required: true,
						placeholder: 'e.g. Yes, confirm',
						description: 'The button label, up to 20 characters; each button needs a different title',
					},
					{
						displayName: 'ID',
						name: 'id',
						type: 'string',
						default: '',
						required: true,
						placeholder: 'e.g. confirm',
						description: 'Your identifier for this button (up to 256 characters), returned when it is tapped; each must be unique',
					},
				],
			},
		],
	},
	tooManyButtonsNotice,
];

export async function read(context: IExecuteFunctions, itemIndex: number): Promise<PreparedMessage> {
	const buttons = collectionList(param(context, 'replyButtons', itemIndex, {}), 'button').map((button) => ({
		id: button.id,
		title: button.title,
	}));
	const { header, uploads, mediaLinks } = await readInteractiveHeader(context, itemIndex, 'buttons');
	const params = {
		...readEnvelope(context, itemIndex),
		header,
		...readBodyAndFooter(context, itemIndex),
		body: param(context, 'interactiveBody', itemIndex, ''),
		buttons,
	};
	const build: BuildBody = (mediaIds) => buildInteractiveButtons({ ...params, header: inSlot(header, mediaIds.get('header')) });
	return prepared(build(checkPassIds(uploads)), build, { uploads, mediaLinks });
}

export const labels = { ...interactiveLabels, buttons: 'Buttons', id: 'ID', title: 'Title' };

export const module: MessageKindModule = { description, read, labels };
