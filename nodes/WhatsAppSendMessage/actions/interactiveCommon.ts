import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { MAX_INTERACTIVE_BODY } from '../../shared/messages';
import type { InteractiveHeaderParams } from '../../shared/messages';
import { param } from './common';
import { HEADER_MEDIA_SOURCES, linkUploadOnceField, readBinaryMedia, readLinkUses } from './media';
import type { MediaLinkUse, MessageType, PendingUpload } from './types';

/**
 * The kinds whose header link may go as a media ID: Meta's reply buttons page offers `id` or `link` ("link (not
 * recommended)"); its CTA URL page shows only `link`.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/interactive-reply-buttons-messages
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/interactive-cta-url-messages
 */
const HEADER_LINK_BY_ID: MessageType[] = ['buttons'];

/**
 * Header, body and footer fields for the interactive kinds given. `mediaHeader`: image/video/document allowed.
 * `maxBody`: the longest message text Meta accepts for these kinds (1,024; 4,096 for a list).
 */
export function interactiveTextFields(kinds: MessageType[], mediaHeader: boolean, maxBody = MAX_INTERACTIVE_BODY): INodeProperties[] {
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
				options: HEADER_MEDIA_SOURCES,
				default: 'link',
				displayOptions: { show: { messageType: kinds, headerType: ['image', 'video', 'document'] } },
			},
			{
				displayName: 'Header Input Binary Field',
				name: 'headerBinaryPropertyName',
				type: 'string',
				default: 'data',
				required: true,
				hint: 'The name of the input binary field holding the header file',
				displayOptions: { show: { messageType: kinds, headerType: ['image', 'video', 'document'], headerMediaSource: ['binary'] } },
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
		);
		const byId = kinds.filter((kind) => HEADER_LINK_BY_ID.includes(kind));
		if (byId.length > 0) fields.push(linkUploadOnceField({ show: { messageType: byId, headerType: ['image', 'video', 'document'], headerMediaSource: ['link'] } }));
		fields.push(
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
			description: `The main text, up to ${maxBody.toLocaleString('en-US')} characters`,
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

/**
 * The header of one item (its slot is 'header'); a binary header file comes back as an upload, and a header link of a
 * kind in HEADER_LINK_BY_ID as a link to send by media ID when "Upload Once and Send by ID" allows.
 */
export async function readInteractiveHeader(
	context: IExecuteFunctions,
	itemIndex: number,
	kind: MessageType,
): Promise<{ header: InteractiveHeaderParams; uploads?: PendingUpload[]; mediaLinks?: MediaLinkUse[] }> {
	const type = param<InteractiveHeaderParams['type']>(context, 'headerType', itemIndex, 'none');
	if (type === 'none') return { header: { type } };
	if (type === 'text') return { header: { type, text: param(context, 'headerText', itemIndex, '') } };
	const source = param<string>(context, 'headerMediaSource', itemIndex, 'link');
	if (source === 'binary') {
		const file = await readBinaryMedia(context, itemIndex, param<string>(context, 'headerBinaryPropertyName', itemIndex, 'data'), type);
		return { header: { type }, uploads: [{ ...file, slot: 'header' }] };
	}
	const link = source === 'link' ? param(context, 'headerLink', itemIndex, '') : undefined;
	return {
		header: { type, mediaId: source === 'id' ? param(context, 'headerMediaId', itemIndex, '') : undefined, link },
		mediaLinks: HEADER_LINK_BY_ID.includes(kind) ? readLinkUses(context, itemIndex, [{ url: link, kind: type, field: 'Header Link', slot: 'header' }]) : undefined,
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
	linkUploadOnce: 'Upload Once and Send by ID',
	mimeType: 'Header Input Binary Field (MIME type)',
	fileSize: 'Header Input Binary Field (file size)',
	data: 'Header Input Binary Field',
	headerText: 'Header Text',
	body: 'Message Text',
	footer: 'Footer',
};
