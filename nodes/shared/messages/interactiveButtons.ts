import { buildEnvelope, type EnvelopeParams } from './envelope';
import { MessageValidationError } from './errors';
import { buildBody, buildFooter, buildInteractiveHeader, type InteractiveCommonParams } from './interactive';
import { isPlainObject, listOf, requiredId, requiredText, requireUnique } from './rules';
import type { InteractiveButtons, InteractiveMessage } from './types';

export const MAX_REPLY_BUTTONS = 3;
export const MAX_BUTTON_ID = 256;
export const MAX_BUTTON_TITLE = 20;

export interface InteractiveButtonsParams extends EnvelopeParams, InteractiveCommonParams {
	/** 1 to 3 buttons; ids and titles unique. */
	buttons: Array<{ id: unknown; title: unknown }>;
}

/** Up to three quick-reply buttons under a text; the tapped button comes back as a `button_reply`. */
export function buildInteractiveButtons(params: InteractiveButtonsParams): InteractiveMessage<InteractiveButtons> {
	const envelope = buildEnvelope(params);
	const header = buildInteractiveHeader(params.header, ['text', 'image', 'video', 'document']);
	const body = buildBody(params.body);
	const footer = buildFooter(params.footer);
	const given = listOf<Record<string, unknown>>('buttons', params.buttons);
	if (given.length === 0) throw new MessageValidationError('buttons', 'add at least one button');
	if (given.length > MAX_REPLY_BUTTONS) {
		throw new MessageValidationError('buttons', `has ${given.length} buttons; WhatsApp allows at most ${MAX_REPLY_BUTTONS} reply buttons (use a List message for more choices)`);
	}
	const buttons = given.map((button, index) => {
		if (!isPlainObject(button)) throw new MessageValidationError(`buttons[${index}]`, 'must have an ID and a title');
		return {
			type: 'reply' as const,
			reply: {
				id: requiredId(`buttons[${index}].id`, button.id, MAX_BUTTON_ID),
				title: requiredText(`buttons[${index}].title`, button.title, MAX_BUTTON_TITLE),
			},
		};
	});
	requireUnique((i) => `buttons[${i}].id`, buttons.map((b) => b.reply.id), 'Button ID');
	requireUnique((i) => `buttons[${i}].title`, buttons.map((b) => b.reply.title), 'Button title');
	const interactive: InteractiveButtons = { type: 'button', body, action: { buttons } };
	if (header) interactive.header = header;
	if (footer) interactive.footer = footer;
	return { ...envelope, type: 'interactive', interactive };
}
