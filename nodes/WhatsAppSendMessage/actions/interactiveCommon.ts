import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { InteractiveHeaderParams } from '../../shared/messages';
import { param } from './common';
import type { MessageType } from './types';

/** Header, body and footer fields for the interactive kinds given. `mediaHeader`: image/video/document allowed. */
export function interactiveTextFields(kinds: MessageType[], mediaHeader: boolean): INodeProperties[] {
	const fields: INodeProperties[] = [];
	if (mediaHeader) {
		fields.push(
			{
				displayName: 'Header',
				name: 'headerType',
				type: 'options',
				options: [
					{ name: 'None', value: 'none' },
					{ name: 'Text', value: 'text' },
					{ name: 'Image', value: 'image' },
					{ name: 'Video', value: 'video' },
					{ name: 'Document', value: 'document' },
				],
				default: 'none',
				displayOptions: { show: { messageType: kinds } },
			},
			{
				displayName: 'Header Text',
				name: 'headerText',
				type: 'string',
				default: '',
				required: true,
				description: 'Up to 60 characters, shown in bold above the message',
				displayOptions: { show: { messageType: kinds, headerType: ['text'] } },
			},
			{
				displayName: 'Header Media Source',
				name: 'headerMediaSource',
				type: 'options',
				options: [
					{ name: 'Link', value: 'link' },
					{ name: 'Media ID', value: 'id' },
				],
				default: 'link',
				displayOptions: { show: { messageType: kinds, headerType: ['image', 'video', 'document'] } },
			},
			{
				displayName: 'Header Link',
				name: 'headerLink',
				type: 'string',
				default: '',
				required: true,
				placeholder: 'e.g. https://example.com/banner.jpg',
				description: 'A public URL of the header image, video or document',
				displayOptions: { show: { messageType: kinds, headerType: ['image', 'video', 'document'], headerMediaSource: ['link'] } },
			},
			{
				displayName: 'Header Media ID',
				name: 'headerMediaId',
				type: 'string',
				default: '',
				required: true,
				description: 'The ID of media already uploaded to WhatsApp (e.g. with the WhatsApp Media node)',
				displayOptions: { show: { messageType: kinds, headerType: ['image', 'video', 'document'], headerMediaSource: ['id'] } },
			},
		);
	} else {
		fields.push({
			displayName: 'Header Text',
			name: 'headerText',
			type: 'string',
			default: '',
			description: 'Optional, up to 60 characters, shown in bold above the message',
			displayOptions: { show: { messageType: kinds } },
		});
	}
	fields.push(
		{
			displayName: 'Message Text',
			name: 'interactiveBody',
			type: 'string',
			typeOptions: { rows: 3 },
			default: '',
			required: true,
			description: 'The main text, up to 1,024 characters',
			displayOptions: { show: { messageType: kinds } },
		},
		{
			displayName: 'Footer',
			name: 'footer',
			type: 'string',
			default: '',
			description: 'Optional small grey text under the message, up to 60 characters',
			displayOptions: { show: { messageType: kinds } },
		},
	);
	return fields;
}

export function readInteractiveHeader(context: IExecuteFunctions, itemIndex: number): InteractiveHeaderParams {
	const type = param<InteractiveHeaderParams['type']>(context, 'headerType', itemIndex, 'none');
	if (type === 'none') return { type };
	if (type === 'text') return { type, text: param(context, 'headerText', itemIndex, '') };
	const source = param<string>(context, 'headerMediaSource', itemIndex, 'link');
	return {
		type,
		mediaId: source === 'id' ? param(context, 'headerMediaId', itemIndex, '') : undefined,
		link: source === 'link' ? param(context, 'headerLink', itemIndex, '') : undefined,
	};
}

export function readBodyAndFooter(context: IExecuteFunctions, itemIndex: number): IDataObject {
	return { body: param(context, 'interactiveBody', itemIndex, ''), footer: param(context, 'footer', itemIndex, '') };
}

export const interactiveLabels = {
	header: 'Header',
	'header.type': 'Header',
	'header.text': 'Header Text',
	'header.mediaId': 'Header Media ID',
	'header.link': 'Header Link',
	headerText: 'Header Text',
	body: 'Message Text',
	footer: 'Footer',
};
