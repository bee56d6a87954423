import { buildEnvelope, type EnvelopeParams } from './envelope';
import { buildBody, buildFooter, buildInteractiveHeader, type InteractiveCommonParams } from './interactive';
import { requiredText, requiredUrl } from './rules';
import type { InteractiveCtaUrl, InteractiveMessage } from './types';

export const MAX_CTA_DISPLAY_TEXT = 20;

export interface CtaUrlParams extends EnvelopeParams, InteractiveCommonParams {
	/** The button label. */
	displayText: unknown;
	url: unknown;
}

/** A text with one button that opens a web page. */
export function buildCtaUrl(params: CtaUrlParams): InteractiveMessage<InteractiveCtaUrl> {
	const envelope = buildEnvelope(params);
	const header = buildInteractiveHeader(params.header, ['text', 'image', 'video', 'document']);
	const body = buildBody(params.body);
	const footer = buildFooter(params.footer);
	const interactive: InteractiveCtaUrl = {
		type: 'cta_url',
		body,
		action: {
			name: 'cta_url',
			parameters: {
				display_text: requiredText('displayText', params.displayText, MAX_CTA_DISPLAY_TEXT),
				url: requiredUrl('url', params.url),
			},
		},
	};
	if (header) interactive.header = header;
	if (footer) interactive.footer = footer;
	return { ...envelope, type: 'interactive', interactive };
}
