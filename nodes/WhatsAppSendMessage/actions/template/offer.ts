import type { INodeProperties } from 'n8n-workflow';

import type { MessageTemplate } from '../../../shared/descriptions';
import { MAX_OFFER_CODE, MessageValidationError, type TemplateMessage } from '../../../shared/messages';

/**
 * Limited-time offer templates: the offer's expiration (a date, or a Unix time in ms) and the check against the
 * template Meta holds. https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/limited-time-offer-templates
 */
export const offerExpirationField: INodeProperties = {
	displayName: 'Offer Expiration',
	name: 'templateOfferExpiration',
	type: 'string',
	default: '',
	placeholder: 'e.g. 2027-05-04T18:00:00Z or {{ $now.plus(2, "days").toISO() }}',
	description: 'Limited-time offer templates only: when the offer code expires, as a date and time or a Unix time in milliseconds. WhatsApp shows a countdown to it.',
	displayOptions: { show: { messageType: ['template'], templateInputMode: ['manual'] } },
};

/** A date and time, or a Unix time in ms, as milliseconds; empty stays undefined; anything else is left for the builder to refuse. */
export function offerExpirationMs(value: unknown): unknown {
	if (value instanceof Date) return value.getTime();
	if (typeof value !== 'string') return value;
	const text = value.trim();
	if (text === '' || /^-?\d+(\.\d+)?$/.test(text)) return text;
	const parsed = Date.parse(text);
	if (Number.isNaN(parsed)) {
		throw new MessageValidationError('offerExpirationTimeMs', `"${text.slice(0, 40)}" is not a date and time (e.g. 2027-05-04T18:00:00Z) or a Unix time in milliseconds`);
	}
	return parsed;
}

/** The offer given exactly when the template has one with an expiration; its offer code at most 15 characters. */
export function checkLimitedTimeOffer(body: TemplateMessage, template: MessageTemplate): void {
	const name = body.template.name;
	const definition = template.components?.find((component) => component.type.toUpperCase() === 'LIMITED_TIME_OFFER');
	const components = body.template.components ?? [];
	const given = components.some((component) => component.type === 'limited_time_offer');
	if (given && !definition) {
		throw new MessageValidationError('offerExpirationTimeMs', `template "${name}" is not a limited-time offer: leave Offer Expiration empty`);
	}
	if (!definition) return;
	if (!given && definition.limited_time_offer?.has_expiration) {
		throw new MessageValidationError('offerExpirationTimeMs', `template "${name}" is a limited-time offer with an expiration: give when the offer expires`);
	}
	components
		.filter((component) => component.type === 'button')
		.forEach((component, position) => {
			const parameter = component.type === 'button' ? component.parameters[0] : undefined;
			if (parameter?.type === 'coupon_code' && [...parameter.coupon_code].length > MAX_OFFER_CODE) {
				throw new MessageValidationError(`buttons[${position}].couponCode`, `is ${[...parameter.coupon_code].length} characters long; a limited-time offer's code is at most ${MAX_OFFER_CODE}`);
			}
		});
}
