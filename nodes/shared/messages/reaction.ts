import { buildEnvelope, type EnvelopeParams } from './envelope';
import { MessageValidationError } from './errors';
import { charCount, requiredId } from './rules';
import type { ReactionMessage } from './types';

export interface ReactionParams extends EnvelopeParams {
	/** The `wamid.…` of the message to react to. */
	messageId: unknown;
	/** One emoji; empty removes the reaction. */
	emoji?: unknown;
}

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** True for exactly one emoji (including skin tones, ZWJ sequences, flags and keycaps). */
export function isSingleEmoji(text: string): boolean {
	const graphemes = [...segmenter.segment(text)];
	if (graphemes.length !== 1) return false;
	const grapheme = graphemes[0].segment;
	// Meta refuses text look-alikes: a pictograph or flag, no letters or digits (so no keycaps), at most 10 code points.
	return (
		/\p{Extended_Pictographic}|\p{Regional_Indicator}{2}/u.test(grapheme) &&
		!/[\p{White_Space}A-Za-z0-9]/u.test(grapheme) &&
		charCount(grapheme) <= 10
	);
}

export function buildReaction(params: ReactionParams): ReactionMessage {
	const envelope = buildEnvelope(params);
	const messageId = requiredId('messageId', params.messageId, 512);
	const raw = params.emoji ?? '';
	if (typeof raw !== 'string') throw new MessageValidationError('emoji', 'must be one emoji, or empty to remove the reaction');
	const emoji = raw.trim();
	if (emoji !== '' && !isSingleEmoji(emoji)) {
		throw new MessageValidationError(
			'emoji',
			`${JSON.stringify(emoji.slice(0, 20))} is not a single emoji; give exactly one emoji (e.g. 👍), or leave it empty to remove the reaction`,
		);
	}
	return { ...envelope, type: 'reaction', reaction: { message_id: messageId, emoji } };
}
