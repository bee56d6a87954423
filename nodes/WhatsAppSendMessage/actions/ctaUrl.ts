import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildCtaUrl } from '../../shared/messages';
import { param, readEnvelope, show } from './common';
import { interactiveLabels, interactiveTextFields, readBodyAndFooter, readInteractiveHeader } from './interactiveCommon';
import { checkPassIds, inSlot, prepared } from './media';
import type { BuildBody, MessageKindModule, PreparedMessage } from './types';

export const description: INodeProperties[] = [
	...interactiveTextFields(['ctaUrl'], true),
	{
		displayName: 'Button Label',
		name: 'displayText',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. See dates',
		description: 'The text on the button, up to 20 characters',
		displayOptions: show('ctaUrl'),
	},
	{
		displayName: 'Button URL',
		name: 'ctaUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. https://example.com/booking?ref=123',
		description: 'The web page the button opens',
		displayOptions: show('ctaUrl'),
	},
];

export async function read(context: IExecuteFunctions, itemIndex: number): Promise<PreparedMessage> {
	const { header, uploads } = await readInteractiveHeader(context, itemIndex, 'ctaUrl');
	const params = {
		...readEnvelope(context, itemIndex),
		header,
		...readBodyAndFooter(context, itemIndex),
		body: param(context, 'interactiveBody', itemIndex, ''),
		displayText: param(context, 'displayText', itemIndex, ''),
		url: param(context, 'ctaUrl', itemIndex, ''),
	};
	const build: BuildBody = (mediaIds) => buildCtaUrl({ ...params, header: inSlot(header, mediaIds.get('header')) });
	return prepared(build(checkPassIds(uploads)), build, { uploads });
}

export const labels = { ...interactiveLabels, displayText: 'Button Label', url: 'Button URL' };

export const module: MessageKindModule = { description, read, labels };
