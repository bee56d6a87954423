import { buildEnvelope, type EnvelopeParams } from './envelope';
import { optionalBoolean, requiredText } from './rules';
import type { TextMessage } from './types';

export const MAX_TEXT_BODY = 4096;

export interface TextParams extends EnvelopeParams {
	body: unknown;
	/** Show a preview of the first URL in the body. */
	previewUrl?: unknown;
}

export function buildText(params: TextParams): TextMessage {
	const envelope = buildEnvelope(params);
	const body = requiredText('body', params.body, MAX_TEXT_BODY);
	const previewUrl = optionalBoolean('previewUrl', params.previewUrl);
	return { ...envelope, type: 'text', text: previewUrl === undefined ? { body } : { body, preview_url: previewUrl } };
}
