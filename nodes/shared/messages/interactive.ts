import { MessageValidationError } from './errors';
import { buildMediaReference } from './media';
import { isPlainObject, oneOf, optionalText, requiredText } from './rules';
import type { InteractiveHeader, InteractiveText } from './types';

export const MAX_HEADER_TEXT = 60;
export const MAX_INTERACTIVE_BODY = 1024;
export const MAX_FOOTER = 60;

/** The header of an interactive message: text, or an image / video / document by ID or link. */
export interface InteractiveHeaderParams {
	type: 'none' | 'text' | 'image' | 'video' | 'document';
	text?: unknown;
	mediaId?: unknown;
	link?: unknown;
	/** Document headers only. */
	filename?: unknown;
}

export interface InteractiveCommonParams {
	header?: InteractiveHeaderParams;
	body: unknown;
	footer?: unknown;
}

export function buildInteractiveHeader(
	header: InteractiveHeaderParams | undefined,
	allowed: ReadonlyArray<InteractiveHeaderParams['type']>,
): InteractiveHeader | undefined {
	if (header === undefined || header === null) return undefined;
	if (!isPlainObject(header)) throw new MessageValidationError('header', 'must be a header');
	const type = oneOf('header.type', header.type ?? 'none', allowed.includes('none') ? allowed : ['none', ...allowed]);
	switch (type) {
		case 'none':
			return undefined;
		case 'text':
			return { type: 'text', text: requiredText('header.text', header.text, MAX_HEADER_TEXT) };
		case 'image':
			return { type: 'image', image: buildMediaReference(header, 'header.') };
		case 'video':
			return { type: 'video', video: buildMediaReference(header, 'header.') };
		case 'document': {
			const filename = optionalText('header.filename', header.filename, 240);
			return { type: 'document', document: { ...buildMediaReference(header, 'header.'), ...(filename !== undefined && { filename }) } };
		}
	}
}

export const MAX_LIST_BODY = 4096;

export function buildBody(value: unknown, maxChars = MAX_INTERACTIVE_BODY): InteractiveText {
	return { text: requiredText('body', value, maxChars) };
}

export function buildFooter(value: unknown): InteractiveText | undefined {
	const text = optionalText('footer', value, MAX_FOOTER);
	return text === undefined ? undefined : { text };
}
