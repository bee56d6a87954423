import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { MediaValidationError } from '../../shared/media';

/** The media ID field shared by Get URL, Download and Delete. */
export function mediaIdField(operation: string, description: string): INodeProperties {
	return {
		displayName: 'Media ID',
		name: 'mediaId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 1037543291543636',
		displayOptions: { show: { resource: ['media'], operation: [operation] } },
		description,
	};
}

/** Reads the media ID of one item: digits only (uploaded IDs and IDs received by the trigger alike). */
export function getMediaId(context: IExecuteFunctions, itemIndex: number): string {
	const value = String(context.getNodeParameter('mediaId', itemIndex, '') ?? '').trim();
	if (!/^[0-9]{1,40}$/.test(value)) {
		const problem = value === '' ? 'is empty' : `is "${value.slice(0, 60)}", which is not a media ID: expected digits only`;
		throw new MediaValidationError(
			`Media ID ${problem}`,
			'data',
			'Use the "mediaId" of a WhatsApp Media upload output or the media "id" of a message received by the WhatsApp Cloud Trigger.',
			problem,
		);
	}
	return value;
}
