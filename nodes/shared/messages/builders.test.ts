import {
	buildContacts,
	buildCtaUrl,
	buildFlow,
	buildInteractiveButtons,
	buildInteractiveList,
	buildLocation,
	buildLocationRequest,
	buildMarkAsRead,
	buildMedia,
	buildReaction,
	buildTemplate,
	buildText,
	MessageValidationError,
} from './index';

const to = '+1 650 555 1234';

/** The field a builder call complains about (fails the test if it does not throw a MessageValidationError). */
function fieldOf(build: () => unknown): string {
	try {
		build();
	} catch (error) {
		if (error instanceof MessageValidationError) return error.field;
		throw error;
	}
	throw new Error('no validation error');
}

describe('common envelope', () => {
	it('normalises the recipient and adds the product and recipient type', () => {
		expect(buildText({ to, body: 'Hi' })).toEqual({
			messaging_product: 'whatsapp',
			recipient_type: 'individual',
			to: '16505551234',
			type: 'text',
			text: { body: 'Hi' },
		});
	});

	// https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids: a BSUID goes
	// in `recipient`, and `to` must be left out (Meta uses `to` when both are given).
	it('sends to a business-scoped user ID in recipient, without to', () => {
		expect(buildText({ to: ' US.13491208655302741918 ', body: 'Hi' })).toEqual({
			messaging_product: 'whatsapp',
			recipient_type: 'individual',
			recipient: 'US.13491208655302741918',
			type: 'text',
			text: { body: 'Hi' },
		});
	});

	it('sends to a parent business-scoped user ID in recipient too', () => {
		const body = buildReaction({ to: 'US.ENT.11815799212886844830', messageId: 'wamid.ABC', emoji: '👍' });
		expect(body).toMatchObject({ recipient: 'US.ENT.11815799212886844830' });
		expect(body).not.toHaveProperty('to');
	});

	it('adds the reply context and callback data', () => {
		const body = buildText({ to, body: 'Hi', replyToMessageId: 'wamid.ABC', bizOpaqueCallbackData: 'order-1' });
		expect(body.context).toEqual({ message_id: 'wamid.ABC' });
		expect(body.biz_opaque_callback_data).toBe('order-1');
	});

	it('refuses callback data longer than 512 characters', () => {
		expect(fieldOf(() => buildText({ to, body: 'Hi', bizOpaqueCallbackData: 'x'.repeat(513) }))).toBe('bizOpaqueCallbackData');
	});
});

describe('buildText', () => {
	it('keeps the link preview flag', () => {
		expect(buildText({ to, body: 'https://n8n.io', previewUrl: true }).text).toEqual({ body: 'https://n8n.io', preview_url: true });
	});

	it('counts an emoji as one character', () => {
		expect(buildText({ to, body: '😀'.repeat(4096) }).text.body).toHaveLength(8192);
	});

	it('refuses a body over 4,096 characters', () => {
		expect(fieldOf(() => buildText({ to, body: 'a'.repeat(4097) }))).toBe('body');
	});

	it('refuses an empty body', () => {
		expect(fieldOf(() => buildText({ to, body: '  ' }))).toBe('body');
	});
});

/** A media body with its kind's object reachable by name. */
const media = (params: Parameters<typeof buildMedia>[0]) => buildMedia(params) as unknown as Record<string, unknown>;

describe('buildMedia', () => {
	it('sends an image by link with a caption', () => {
		expect(media({ to, kind: 'image', link: 'https://example.com/a.jpg', caption: 'Look' }).image).toEqual({
			link: 'https://example.com/a.jpg',
			caption: 'Look',
		});
	});

	it('sends a document by ID with a file name', () => {
		expect(media({ to, kind: 'document', mediaId: '123', filename: 'a.pdf' }).document).toEqual({ id: '123', filename: 'a.pdf' });
	});

	it('marks an audio as a voice note', () => {
		expect(media({ to, kind: 'audio', mediaId: '123', voice: true }).audio).toEqual({ id: '123', voice: true });
	});

	it('refuses both an ID and a link', () => {
		expect(fieldOf(() => buildMedia({ to, kind: 'image', mediaId: '1', link: 'https://e.com/a.jpg' }))).toBe('mediaId');
	});

	it('refuses neither an ID nor a link', () => {
		expect(fieldOf(() => buildMedia({ to, kind: 'video' }))).toBe('mediaId');
	});

	it('refuses a caption on audio', () => {
		expect(fieldOf(() => buildMedia({ to, kind: 'audio', mediaId: '1', caption: 'x' }))).toBe('caption');
	});

	it('refuses a caption on a sticker', () => {
		expect(fieldOf(() => buildMedia({ to, kind: 'sticker', mediaId: '1', caption: 'x' }))).toBe('caption');
	});

	it('refuses a link that is not a web address', () => {
		expect(fieldOf(() => buildMedia({ to, kind: 'image', link: 'ftp://example.com/a.jpg' }))).toBe('link');
		expect(fieldOf(() => buildMedia({ to, kind: 'image', link: 'example.com/a.jpg' }))).toBe('link');
	});

	it('refuses a caption over 1,024 characters', () => {
		expect(fieldOf(() => buildMedia({ to, kind: 'image', mediaId: '1', caption: 'c'.repeat(1025) }))).toBe('caption');
	});
});

describe('buildLocation', () => {
	it('accepts numbers given as text', () => {
		expect(buildLocation({ to, latitude: '37.48', longitude: '-122.14', name: 'HQ' }).location).toEqual({
			latitude: 37.48,
			longitude: -122.14,
			name: 'HQ',
		});
	});

	it('refuses a latitude beyond 90', () => {
		expect(fieldOf(() => buildLocation({ to, latitude: 90.5, longitude: 0 }))).toBe('latitude');
	});

	it('refuses a longitude beyond -180', () => {
		expect(fieldOf(() => buildLocation({ to, latitude: 0, longitude: -181 }))).toBe('longitude');
	});

	it('refuses a coordinate that is not a number', () => {
		expect(fieldOf(() => buildLocation({ to, latitude: 'north', longitude: 0 }))).toBe('latitude');
	});
});

describe('buildContacts', () => {
	it('maps every field of a contact', () => {
		const body = buildContacts({
			to,
			contacts: [
				{
					formattedName: 'Jane Doe',
					firstName: 'Jane',
					lastName: 'Doe',
					birthday: '1990-07-31',
					company: 'Acme',
					title: 'CTO',
					phones: [{ phone: '+1 650 555 0000', type: 'cell', waId: '16505550000' }, { phone: '+1 650 555 0001', type: 'Company' }],
					emails: [{ email: 'jane@acme.com', type: 'WORK' }],
					addresses: [{ city: 'Palo Alto', countryCode: 'us' }],
					urls: [{ url: 'https://acme.com' }],
				},
			],
		});
		expect(body.contacts[0]).toEqual({
			name: { formatted_name: 'Jane Doe', first_name: 'Jane', last_name: 'Doe' },
			birthday: '1990-07-31',
			org: { company: 'Acme', title: 'CTO' },
			// Entry types are free text, kept as given (https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/contacts-messages).
			phones: [
				{ phone: '+1 650 555 0000', type: 'cell', wa_id: '16505550000' },
				{ phone: '+1 650 555 0001', type: 'Company' },
			],
			emails: [{ email: 'jane@acme.com', type: 'WORK' }],
			addresses: [{ city: 'Palo Alto', country_code: 'US' }],
			urls: [{ url: 'https://acme.com' }],
		});
	});

	it('refuses a contact without a full name', () => {
		expect(fieldOf(() => buildContacts({ to, contacts: [{ formattedName: 'A' }, { formattedName: '' }] }))).toBe('contacts[1].formattedName');
	});

	it('refuses a birthday that is not a calendar date', () => {
		expect(fieldOf(() => buildContacts({ to, contacts: [{ formattedName: 'A', birthday: '1990-02-30' }] }))).toBe('contacts[0].birthday');
	});

	it('refuses no contacts at all', () => {
		expect(fieldOf(() => buildContacts({ to, contacts: [] }))).toBe('contacts');
	});
});

describe('buildReaction', () => {
	it.each(['👍', '❤️', '👍🏽', '👨‍👩‍👧‍👦', '🇵🇹'])('accepts %s', (emoji) => {
		expect(buildReaction({ to, messageId: 'wamid.A', emoji }).reaction).toEqual({ message_id: 'wamid.A', emoji });
	});

	it('removes the reaction with an empty emoji', () => {
		expect(buildReaction({ to, messageId: 'wamid.A', emoji: '' }).reaction.emoji).toBe('');
	});

	it.each(['ok', '👍👍', 'a👍', '1️⃣', '#️⃣'])('refuses %j', (emoji) => {
		expect(fieldOf(() => buildReaction({ to, messageId: 'wamid.A', emoji }))).toBe('emoji');
	});
});

describe('buildInteractiveButtons', () => {
	const buttons = [
		{ id: 'yes', title: 'Yes' },
		{ id: 'no', title: 'No' },
	];

	it('builds reply buttons with a text header and footer', () => {
		const body = buildInteractiveButtons({ to, header: { type: 'text', text: 'Order' }, body: 'Confirm?', footer: 'Shop', buttons });
		expect(body.interactive).toEqual({
			type: 'button',
			header: { type: 'text', text: 'Order' },
			body: { text: 'Confirm?' },
			footer: { text: 'Shop' },
			action: { buttons: buttons.map((reply) => ({ type: 'reply', reply })) },
		});
	});

	it('refuses a fourth button', () => {
		expect(fieldOf(() => buildInteractiveButtons({ to, body: 'x', buttons: [...buttons, { id: 'a', title: 'A' }, { id: 'b', title: 'B' }] }))).toBe('buttons');
	});

	it('refuses a title over 20 characters and names the button', () => {
		expect(fieldOf(() => buildInteractiveButtons({ to, body: 'x', buttons: [buttons[0], { id: 'n', title: 'x'.repeat(21) }] }))).toBe('buttons[1].title');
	});

	it('refuses two buttons with the same ID', () => {
		expect(fieldOf(() => buildInteractiveButtons({ to, body: 'x', buttons: [buttons[0], { id: 'yes', title: 'Other' }] }))).toBe('buttons[1].id');
	});

	it('refuses two buttons with the same title', () => {
		expect(fieldOf(() => buildInteractiveButtons({ to, body: 'x', buttons: [buttons[0], { id: 'other', title: 'Yes' }] }))).toBe('buttons[1].title');
	});

	it('refuses a header text over 60 characters', () => {
		expect(fieldOf(() => buildInteractiveButtons({ to, header: { type: 'text', text: 'h'.repeat(61) }, body: 'x', buttons }))).toBe('header.text');
	});

	it('refuses a footer over 60 characters', () => {
		expect(fieldOf(() => buildInteractiveButtons({ to, body: 'x', footer: 'f'.repeat(61), buttons }))).toBe('footer');
	});
});

describe('buildInteractiveList', () => {
	const row = (id: string) => ({ id, title: `Row ${id}` });

	it('builds a list with one untitled section', () => {
		const body = buildInteractiveList({ to, body: 'Pick one', buttonText: 'Options', sections: [{ rows: [row('a')] }] });
		expect(body.interactive.action).toEqual({ button: 'Options', sections: [{ rows: [{ id: 'a', title: 'Row a' }] }] });
	});

	it('requires section titles when there are several sections', () => {
		expect(fieldOf(() => buildInteractiveList({ to, body: 'x', buttonText: 'B', sections: [{ title: 'A', rows: [row('a')] }, { rows: [row('b')] }] }))).toBe('sections[1].title');
	});

	it('refuses more than 10 rows across sections', () => {
		const sections = [
			{ title: 'A', rows: Array.from({ length: 6 }, (_, i) => row(`a${i}`)) },
			{ title: 'B', rows: Array.from({ length: 5 }, (_, i) => row(`b${i}`)) },
		];
		expect(fieldOf(() => buildInteractiveList({ to, body: 'x', buttonText: 'B', sections }))).toBe('sections');
	});

	it('refuses a row ID used in two sections', () => {
		expect(fieldOf(() => buildInteractiveList({ to, body: 'x', buttonText: 'B', sections: [{ title: 'A', rows: [row('a')] }, { title: 'B', rows: [row('a')] }] }))).toBe('sections[1].rows[0].id');
	});

	it('refuses a row description over 72 characters', () => {
		expect(fieldOf(() => buildInteractiveList({ to, body: 'x', buttonText: 'B', sections: [{ rows: [{ ...row('a'), description: 'd'.repeat(73) }] }] }))).toBe('sections[0].rows[0].description');
	});

	it('refuses a button label over 20 characters', () => {
		expect(fieldOf(() => buildInteractiveList({ to, body: 'x', buttonText: 'b'.repeat(21), sections: [{ rows: [row('a')] }] }))).toBe('buttonText');
	});

	it('refuses a section without rows', () => {
		expect(fieldOf(() => buildInteractiveList({ to, body: 'x', buttonText: 'B', sections: [{ rows: [] }] }))).toBe('sections[0].rows');
	});
});

describe('buildCtaUrl', () => {
	it('builds the cta_url action', () => {
		expect(buildCtaUrl({ to, body: 'See', displayText: 'Open', url: 'https://n8n.io' }).interactive.action).toEqual({
			name: 'cta_url',
			parameters: { display_text: 'Open', url: 'https://n8n.io' },
		});
	});

	it('refuses a URL that is not a web address', () => {
		expect(fieldOf(() => buildCtaUrl({ to, body: 'See', displayText: 'Open', url: 'n8n dot io' }))).toBe('url');
	});
});

describe('buildFlow', () => {
	it('builds a navigate flow with a screen and data', () => {
		const body = buildFlow({ to, body: 'Book', flowId: '123', flowCta: 'Book now', screen: 'START', data: '{"a":1}' });
		expect(body.interactive.action.parameters).toEqual({
			flow_message_version: '3',
			flow_id: '123',
			flow_cta: 'Book now',
			flow_action: 'navigate',
			flow_action_payload: { screen: 'START', data: { a: 1 } },
		});
	});

	// Meta advises a CTA of at most 30 characters: https://developers.facebook.com/documentation/business-messaging/whatsapp/flows/guides/sendingaflow/
	it('takes a button label of 30 characters and refuses 31', () => {
		expect(buildFlow({ to, body: 'x', flowId: '1', flowCta: 'c'.repeat(30) }).interactive.action.parameters.flow_cta).toBe('c'.repeat(30));
		expect(fieldOf(() => buildFlow({ to, body: 'x', flowId: '1', flowCta: 'c'.repeat(31) }))).toBe('flowCta');
	});

	it('refuses both a flow ID and a flow name', () => {
		expect(fieldOf(() => buildFlow({ to, body: 'x', flowId: '1', flowName: 'n', flowCta: 'Go' }))).toBe('flowId');
	});

	it('refuses a screen with data exchange', () => {
		expect(fieldOf(() => buildFlow({ to, body: 'x', flowId: '1', flowCta: 'Go', flowAction: 'data_exchange', screen: 'A' }))).toBe('screen');
	});

	it('refuses initial data that is not JSON', () => {
		expect(fieldOf(() => buildFlow({ to, body: 'x', flowId: '1', flowCta: 'Go', screen: 'A', data: '{nope' }))).toBe('data');
	});
});

describe('buildLocationRequest', () => {
	it('builds the send_location action', () => {
		expect(buildLocationRequest({ to, body: 'Where?' }).interactive).toEqual({
			type: 'location_request_message',
			body: { text: 'Where?' },
			action: { name: 'send_location' },
		});
	});
});

describe('buildMarkAsRead', () => {
	it('adds the typing indicator when asked', () => {
		expect(buildMarkAsRead({ messageId: 'wamid.A', typingIndicator: true })).toEqual({
			messaging_product: 'whatsapp',
			status: 'read',
			message_id: 'wamid.A',
			typing_indicator: { type: 'text' },
		});
	});

	it('refuses an empty message ID', () => {
		expect(fieldOf(() => buildMarkAsRead({ messageId: '' }))).toBe('messageId');
	});
});

describe('buildTemplate', () => {
	it('builds header, named body parameters of every type, and buttons', () => {
		const body = buildTemplate({
			to,
			name: 'order_confirmation',
			language: 'en_US',
			header: { type: 'image', link: 'https://example.com/a.png' },
			bodyParameters: [
				{ type: 'text', text: 'Ana', parameterName: 'first_name' },
				{ type: 'currency', fallbackValue: '$12.99', code: 'usd', amount1000: 12990, parameterName: 'total' },
				{ type: 'date_time', fallbackValue: 'May 4', parameterName: 'due' },
			],
			buttons: [
				{ subType: 'url', index: 0, text: 'abc' },
				{ subType: 'copy_code', index: '1', couponCode: 'SAVE20' },
				{ subType: 'quick_reply', index: 2, payload: 'stop' },
			],
		});
		expect(body.template).toEqual({
			name: 'order_confirmation',
			language: { code: 'en_US' },
			components: [
				{ type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/a.png' } }] },
				{
					type: 'body',
					parameters: [
						{ type: 'text', text: 'Ana', parameter_name: 'first_name' },
						{ type: 'currency', currency: { fallback_value: '$12.99', code: 'USD', amount_1000: 12990 }, parameter_name: 'total' },
						{ type: 'date_time', date_time: { fallback_value: 'May 4' }, parameter_name: 'due' },
					],
				},
				{ type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'abc' }] },
				{ type: 'button', sub_type: 'copy_code', index: '1', parameters: [{ type: 'coupon_code', coupon_code: 'SAVE20' }] },
				{ type: 'button', sub_type: 'quick_reply', index: '2', parameters: [{ type: 'payload', payload: 'stop' }] },
			],
		});
	});

	it('refuses a named parameter with capitals or digits', () => {
		expect(fieldOf(() => buildTemplate({ to, name: 't', language: 'en', bodyParameters: [{ type: 'text', text: 'a', parameterName: 'First1' }] }))).toBe('bodyParameters[0].parameterName');
	});

	it('refuses a mix of named and positional parameters', () => {
		expect(
			fieldOf(() =>
				buildTemplate({ to, name: 't', language: 'en', bodyParameters: [{ type: 'text', text: 'a', parameterName: 'a' }, { type: 'text', text: 'b' }] }),
			),
		).toBe('bodyParameters[1].parameterName');
	});

	it('refuses a currency amount that is not a whole number of thousandths', () => {
		expect(fieldOf(() => buildTemplate({ to, name: 't', language: 'en', bodyParameters: [{ type: 'currency', fallbackValue: '$1', code: 'USD', amount1000: 12.5 }] }))).toBe('bodyParameters[0].amount1000');
	});

	it('refuses a button index above 9', () => {
		expect(fieldOf(() => buildTemplate({ to, name: 't', language: 'en', buttons: [{ subType: 'quick_reply', index: 10, payload: 'p' }] }))).toBe('buttons[0].index');
	});

	it('refuses two buttons at the same index', () => {
		expect(
			fieldOf(() =>
				buildTemplate({ to, name: 't', language: 'en', buttons: [{ subType: 'quick_reply', index: 1, payload: 'p' }, { subType: 'quick_reply', index: 1, payload: 'q' }] }),
			),
		).toBe('buttons[1].index');
	});

	it('refuses a line break in a body variable', () => {
		expect(fieldOf(() => buildTemplate({ to, name: 't', language: 'en', bodyParameters: [{ type: 'text', text: 'a\nb' }] }))).toBe('bodyParameters[0].text');
	});

	// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/coupon-templates
	it('takes a coupon code of 20 characters and refuses 21', () => {
		const built = buildTemplate({ to, name: 't', language: 'en', buttons: [{ subType: 'copy_code', index: 0, couponCode: 'C'.repeat(20) }] });
		expect(built.template.components).toEqual([{ type: 'button', sub_type: 'copy_code', index: '0', parameters: [{ type: 'coupon_code', coupon_code: 'C'.repeat(20) }] }]);
		expect(fieldOf(() => buildTemplate({ to, name: 't', language: 'en', buttons: [{ subType: 'copy_code', index: 0, couponCode: 'C'.repeat(21) }] }))).toBe('buttons[0].couponCode');
	});

	it('refuses a header text variable over 60 characters', () => {
		expect(fieldOf(() => buildTemplate({ to, name: 't', language: 'en', header: { type: 'text', text: 'h'.repeat(61) } }))).toBe('header.text');
	});

	it('refuses a language code that is not one', () => {
		expect(fieldOf(() => buildTemplate({ to, name: 't', language: 'English' }))).toBe('language');
	});
});
