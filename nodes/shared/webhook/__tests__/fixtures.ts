/**
 * Realistic webhook bodies for tests and the benchmark, shaped as Meta sends them (CLOUD_API.md, Webhooks).
 * Serialised like Meta: `/` escaped as `\/` and non-ASCII as `\uXXXX`, so a check over re-serialised JSON fails.
 */
export const WABA_ID = '200000000000001';
export const PHONE_NUMBER_ID = '300000000000001';
export const DISPLAY_PHONE_NUMBER = '15550000001';
/** Meta's timestamp of a body made now (Unix seconds), so the trigger takes it as a recent delivery. */
export function nowSeconds(): number {
	return Math.floor(Date.now() / 1000);
}

let counter = 0;
export function wamid(): string {
	counter += 1;
	return `wamid.HBgL${Buffer.from(`test-${process.pid}-${counter}`).toString('base64')}`;
}

/**
 * A message ID shaped as Meta's: base64 of a record holding the customer's phone number and 20 hex digits, as in
 * wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA= (16503879439), the ID of Meta's audio message example
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/audio).
 */
export function wamidFor(phone: string): string {
	counter += 1;
	const hex = counter.toString(16).toUpperCase().padStart(20, '0');
	const record = Buffer.concat([Buffer.from([0x1c, 0x18, phone.length]), Buffer.from(phone), Buffer.from([0x15, 0x02, 0x00, 0x12, 0x18, 0x14]), Buffer.from(hex), Buffer.from([0x00])]);
	return `wamid.${record.toString('base64')}`;
}

/** JSON as Meta writes it: escaped slashes and non-ASCII. */
export function metaJson(value: unknown): string {
	return JSON.stringify(value)
		.replace(/\//g, '\\/')
		.replace(/[\u007f-\uffff]/g, (char) => '\\u' + char.charCodeAt(0).toString(16).padStart(4, '0'));
}

export function metadata(phoneNumberId = PHONE_NUMBER_ID) {
	return { display_phone_number: DISPLAY_PHONE_NUMBER, phone_number_id: phoneNumberId };
}

export function messagesChange(value: Record<string, unknown>, phoneNumberId = PHONE_NUMBER_ID) {
	return { field: 'messages', value: { messaging_product: 'whatsapp', metadata: metadata(phoneNumberId), ...value } };
}

export function body(changes: unknown[], wabaId = WABA_ID) {
	return { object: 'whatsapp_business_account', entry: [{ id: wabaId, changes }] };
}

export function textMessage(from: string, text: string, id = wamid(), timestamp = nowSeconds()) {
	return { from, id, timestamp: String(timestamp), type: 'text', text: { body: text } };
}

export function inboundTextChange(from: string, name: string, text: string, id = wamid(), timestamp = nowSeconds()) {
	return messagesChange({ contacts: [{ profile: { name }, wa_id: from }], messages: [textMessage(from, text, id, timestamp)] });
}

export function statusChange(id: string, status: string, recipient = '351912345678', timestamp = nowSeconds()) {
	const entry: Record<string, unknown> = { id, status, timestamp: String(timestamp), recipient_id: recipient };
	if (status === 'sent') {
		entry.conversation = { id: 'conv-1', origin: { type: 'utility' }, expiration_timestamp: String(timestamp + 86400) };
		entry.pricing = { billable: true, pricing_model: 'PMP', category: 'utility', type: 'regular' };
	}
	if (status === 'failed') {
		entry.errors = [{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable', error_data: { details: 'Receiver is incapable of receiving this message' } }];
	}
	return messagesChange({ statuses: [entry] });
}

/** A body of `count` updates (a mix of inbound messages and statuses), as Meta batches them. */
export function batchBody(count: number, options: { statusRatio?: number } = {}): { body: unknown; ids: string[] } {
	const ratio = options.statusRatio ?? 0.7;
	const changes: unknown[] = [];
	const ids: string[] = [];
	for (let index = 0; index < count; index += 1) {
		const id = wamid();
		ids.push(id);
		if (index % 10 < ratio * 10) {
			changes.push(statusChange(id, ['sent', 'delivered', 'read'][index % 3], `3519${String(10000000 + index)}`));
		} else {
			const from = `3519${String(20000000 + index)}`;
			changes.push(inboundTextChange(from, `Cliente ${index} ção`, `Olá / pedido nº ${index} 👍`, id));
		}
	}
	return { body: body(changes), ids };
}
