import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildInteractiveList, MAX_LIST_BODY, MAX_ROWS, MAX_SECTIONS } from '../../shared/messages';
import { collectionList, param, readEnvelope, show } from './common';
import { interactiveLabels, interactiveTextFields, readBodyAndFooter } from './interactiveCommon';
import type { MessageKindModule, PreparedMessage } from './types';

const tooManyRows = `WhatsApp allows at most ${MAX_ROWS} rows in a list, across all its sections, so this message would be refused. Remove rows, or split the choices over two messages.`;

/**
 * Shown while a section has an eleventh row, or there is an eleventh section (the editor cannot add up rows across
 * sections: the run checks the total, naming the item, in buildInteractiveList). The paths are root paths (`/…`):
 * n8n 1.x cannot order parameters that depend on a nested path, and fails every run of the node.
 */
const tooManyRowsNotices: INodeProperties[] = [
	...Array.from({ length: MAX_SECTIONS }, (_, section) => ({
		displayName: `"Sections #${section + 1} › Rows" has more than ${MAX_ROWS} rows: ${tooManyRows}`,
		path: `/sections.section[${section}].rows.row[${MAX_ROWS}]`,
	})),
	{ displayName: `"Sections" has more than ${MAX_SECTIONS} sections: ${tooManyRows}`, path: `/sections.section[${MAX_SECTIONS}]` },
].map(({ displayName, path }) => ({
	displayName,
	name: 'tooManyRowsNotice',
	type: 'notice',
	default: '',
	displayOptions: { show: { messageType: ['list'], [path]: [{ _cnd: { exists: true } }] } },
}));

export const description: INodeProperties[] = [
	...interactiveTextFields(['list'], false, MAX_LIST_BODY),
	{
		displayName: 'Button Label',
		name: 'listButtonText',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. See options',
		description: 'The text on the button that opens the list, up to 20 characters',
		displayOptions: show('list'),
	},
	{
		displayName: 'Sections',
		name: 'sections',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add section',
		default: { section: [{ title: '', rows: { row: [{ id: '', title: '' }] } }] },
		required: true,
		hint: 'Up to 10 rows in all, in up to 10 sections. The picked row comes back to the WhatsApp Cloud Trigger as a list reply with its ID.',
		displayOptions: show('list'),
		options: [
			{
				displayName: 'Section',
				name: 'section',
				values: [
					{
						displayName: 'Section Title',
						name: 'title',
						type: 'string',
						default: '',
						description: 'Up to 24 characters; required when the list has more than one section',
					},
					{
						displayName: 'Rows',
						name: 'rows',
						type: 'fixedCollection',
						typeOptions: { multipleValues: true, sortable: true },
						placeholder: 'Add row',
						default: {},
						options: [
							{
								displayName: 'Row',
								name: 'row',
								values: [
									{
										displayName: 'Title',
										name: 'title',
										type: 'string',
										default: '',
										required: true,
										description: 'Up to 24 characters',
									},
									{
										displayName: 'ID',
										name: 'id',
										type: 'string',
										default: '',
										required: true,
										description: 'Your identifier for this row (up to 200 characters), returned when it is picked; unique in the list',
									},
									{
										displayName: 'Description',
										name: 'description',
										type: 'string',
										default: '',
										description: 'Optional grey text under the title, up to 72 characters',
									},
								],
							},
						],
					},
				],
			},
		],
	},
	...tooManyRowsNotices,
];

export async function read(context: IExecuteFunctions, itemIndex: number): Promise<PreparedMessage> {
	const sections = collectionList(param(context, 'sections', itemIndex, {}), 'section').map((section) => ({
		title: section.title,
		rows: collectionList(section.rows, 'row').map((row) => ({ id: row.id, title: row.title, description: row.description })),
	}));
	return {
		body: buildInteractiveList({
			...readEnvelope(context, itemIndex),
			headerText: param(context, 'headerText', itemIndex, ''),
			...readBodyAndFooter(context, itemIndex),
			body: param(context, 'interactiveBody', itemIndex, ''),
			buttonText: param(context, 'listButtonText', itemIndex, ''),
			sections,
		}),
	};
}

export const labels = {
	...interactiveLabels,
	buttonText: 'Button Label',
	sections: 'Sections',
	rows: 'Rows',
	title: 'Title',
	id: 'ID',
	description: 'Description',
};

export const module: MessageKindModule = { description, read, labels };
