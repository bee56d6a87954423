/**
 * Builders of inbound customer messages as Meta puts them in a `messages` webhook: one builder per type,
 * every field defaulted so a test names only what it cares about.
 */

export type InboundType =
	| 'text'
	| 'image'
	| 'video'
	| 'document'
	| 'audio'
	| 'sticker'
	| 'location'
	| 'contacts'
	| 'interactive'
	| 'button'
	| 'reaction'
	| 'order'
	| 'system'
	| 'request_welcome'
	| 'unsupported';

export const INBOUND_TYPES: readonly InboundType[] = [
	'text',
	'image',
	'video',
	'document',
	'audio',
	'sticker',
	'location',
	'contacts',
	'interactive',
	'button',
	'reaction',
	'order',
	'system',
	'request_welcome',
	'unsupported',
];

export const MEDIA_INBOUND_TYPES = ['image', 'video', 'document', 'audio', 'sticker'] as const;
export type MediaInboundType = (typeof MEDIA_INBOUND_TYPES)[number];

export interface InboundMedia {
	id: string;
	mime_type: string;
	/** Base64 in webhooks (hex in `GET /{media-id}`), as Meta does. */
	sha256: string;
	caption?: string;
	filename?: string;
	voice?: boolean;
	animated?: boolean;
	url?: string;
}

export interface InboundContext {
	from?: string;
	id: string;
	forwarded?: boolean;
	frequently_forwarded?: boolean;
	referred_product?: { catalog_id: string; product_retailer_id: string };
}

export interface InboundReferral {
	source_url: string;
	source_id: string;
	source_type: 'ad' | 'post';
	headline?: string;
	body?: string;
	media_type?: 'image' | 'video';
	image_url?: string;
	video_url?: string;
	thumbnail_url?: string;
	ctwa_clid?: string;
}

export interface InboundInteractive {
	type: 'button_reply' | 'list_reply' | 'nfm_reply';
	button_reply?: { id: string; title: string };
	list_reply?: { id: string; title: string; description?: string };
	nfm_reply?: { name: string; body: string; response_json: string };
}

export interface InboundContact {
	name: { formatted_name: string; first_name?: string; last_name?: string };
	phones?: Array<{ phone: string; wa_id?: string; type?: string }>;
	emails?: Array<{ email: string; type?: string }>;
	org?: { company?: string; title?: string };
	birthday?: string;
}

export interface InboundMessage {
	/**
	 * The sender's phone number. Left out for a user known only by a BSUID (a username user) in the May 2026 version
	 * of the BSUID page; its February version showed `""` there (a spec with `from: ''` plays that).
	 */
	from?: string;
	/** The sender's business-scoped user ID. */
	from_user_id?: string;
	/** The sender's parent BSUID, for businesses with parent BSUIDs. */
	from_parent_user_id?: string;
	id: string;
	timestamp: string;
	type: InboundType;
	context?: InboundContext;
	referral?: InboundReferral;
	text?: { body: string };
	image?: InboundMedia;
	video?: InboundMedia;
	document?: InboundMedia;
	audio?: InboundMedia;
	sticker?: InboundMedia;
	location?: { latitude: number; longitude: number; name?: string; address?: string; url?: string };
	contacts?: InboundContact[];
	interactive?: InboundInteractive;
	button?: { text: string; payload: string };
	reaction?: { message_id: string; emoji: string };
	order?: {
		catalog_id: string;
		text?: string;
		product_items: Array<{ product_retailer_id: string; quantity: number; item_price: number; currency: string }>;
	};
	/** `user_changed_user_id` carries the new `user_id` (and `parent_user_id`) instead of a phone number. */
	system?: { body: string; type: string; new_wa_id?: string; wa_id?: string; user_id?: string; parent_user_id?: string; customer?: string };
	errors?: Array<{ code: number; title: string; message: string; error_data: { details: string } }>;
	unsupported?: { type: string };
}

/**
 * What a test gives to inject a customer message: the sender, the type, and optionally the type's object
 * (merged over the defaults). `body` is a shortcut for a text message's text.
 */
export interface InboundSpec {
	/** The sender's phone number; leave it out (or `''`) for a user known only by a BSUID, and give `userId`. */
	from?: string;
	/** The sender's business-scoped user ID (`US.1349…`): `from_user_id` and the contact's `user_id`. */
	userId?: string;
	/** The sender's parent BSUID (`US.ENT.1181…`): `from_parent_user_id` and the contact's `parent_user_id`. */
	parentUserId?: string;
	/** The sender's WhatsApp username (`@name`), in the contact's `profile.username`. */
	username?: string;
	/** The sender's profile name, which a system message's body names (default: their phone number or BSUID). */
	name?: string;
	type: InboundType;
	id?: string;
	/** Unix seconds. */
	timestamp?: number | string;
	body?: string;
	context?: InboundContext;
	referral?: InboundReferral;
	text?: Partial<{ body: string }>;
	image?: Partial<InboundMedia>;
	video?: Partial<InboundMedia>;
	document?: Partial<InboundMedia>;
	audio?: Partial<InboundMedia>;
	sticker?: Partial<InboundMedia>;
	location?: Partial<NonNullable<InboundMessage['location']>>;
	contacts?: InboundContact[];
	interactive?: Partial<InboundInteractive>;
	button?: Partial<NonNullable<InboundMessage['button']>>;
	reaction?: Partial<NonNullable<InboundMessage['reaction']>>;
	order?: Partial<NonNullable<InboundMessage['order']>>;
	system?: Partial<NonNullable<InboundMessage['system']>>;
	unsupported?: { type: string };
}

const DEFAULT_MEDIA_MIME: Record<MediaInboundType, string> = {
	image: 'image/jpeg',
	video: 'video/mp4',
	document: 'application/pdf',
	audio: 'audio/ogg; codecs=opus',
	sticker: 'image/webp',
};

let inboundCounter = 0;

/** A wamid like Meta's (base64 of an opaque id); unique within the process. */
export function newInboundMessageId(): string {
	inboundCounter += 1;
	const raw = `sim-inbound-${process.pid}-${Date.now()}-${inboundCounter}`;
	return `wamid.${Buffer.from(raw).toString('base64')}`;
}

export function isMediaInboundType(type: string): type is MediaInboundType {
	return (MEDIA_INBOUND_TYPES as readonly string[]).includes(type);
}

function buildMedia(type: MediaInboundType, given: Partial<InboundMedia> | undefined): InboundMedia {
	const media: InboundMedia = {
		mime_type: given?.mime_type ?? DEFAULT_MEDIA_MIME[type],
		sha256: given?.sha256 ?? Buffer.alloc(32, 7).toString('base64'),
		id: given?.id ?? '1' + String(100000000000000 + inboundCounter),
	};
	if (type === 'image' || type === 'video' || type === 'document') {
		if (given?.caption !== undefined) media.caption = given.caption;
	}
	if (type === 'document') media.filename = given?.filename ?? 'document.pdf';
	if (type === 'audio') media.voice = given?.voice ?? true;
	if (type === 'sticker') media.animated = given?.animated ?? false;
	if (given?.url !== undefined) media.url = given.url;
	return media;
}

/** Meta's message object for a spec; unknown types are rejected so a typo in a test shows at once. */
export function buildInboundMessage(spec: InboundSpec, nowSeconds: number = Math.floor(Date.now() / 1000)): InboundMessage {
	if (!INBOUND_TYPES.includes(spec.type)) {
		throw new Error(`Unknown inbound message type "${spec.type}": expected one of ${INBOUND_TYPES.join(', ')}`);
	}
	// Keys in the order of Meta's examples: the sender's IDs first.
	const sender: Pick<InboundMessage, 'from' | 'from_user_id' | 'from_parent_user_id'> = {};
	if (spec.from !== undefined) sender.from = spec.from;
	if (spec.userId !== undefined) sender.from_user_id = spec.userId;
	if (spec.parentUserId !== undefined) sender.from_parent_user_id = spec.parentUserId;
	const message: InboundMessage = {
		...sender,
		id: spec.id ?? newInboundMessageId(),
		timestamp: String(spec.timestamp ?? nowSeconds),
		type: spec.type,
	};
	if (spec.context) message.context = spec.context;
	if (spec.referral) message.referral = spec.referral;
	switch (spec.type) {
		case 'text':
			message.text = { body: spec.text?.body ?? spec.body ?? 'Hello' };
			break;
		case 'image':
		case 'video':
		case 'document':
		case 'audio':
		case 'sticker':
			message[spec.type] = buildMedia(spec.type, spec[spec.type]);
			break;
		case 'location':
			message.location = { latitude: 38.7223, longitude: -9.1393, ...spec.location };
			break;
		case 'contacts':
			message.contacts = spec.contacts ?? [
				{
					name: { formatted_name: 'Ana Silva', first_name: 'Ana', last_name: 'Silva' },
					phones: [{ phone: '+351 912 345 678', wa_id: '351912345678', type: 'CELL' }],
				},
			];
			break;
		case 'interactive':
			message.interactive = buildInteractive(spec.interactive);
			// A reply names the interactive message it answers, as in Meta's button_reply, list_reply and nfm_reply examples:
			// https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/interactive
			message.context = spec.context ?? { from: '15550000001', id: newInboundMessageId() };
			break;
		case 'button':
			message.button = { text: 'Yes', payload: 'YES_PAYLOAD', ...spec.button };
			message.context = spec.context ?? { from: '15550000001', id: newInboundMessageId() };
			break;
		case 'reaction':
			message.reaction = { message_id: spec.reaction?.message_id ?? newInboundMessageId(), emoji: spec.reaction?.emoji ?? '\u{1F44D}' };
			break;
		case 'order':
			message.order = {
				catalog_id: '1234567890',
				product_items: [{ product_retailer_id: 'SKU-1', quantity: 2, item_price: 9.99, currency: 'EUR' }],
				...spec.order,
			};
			break;
		case 'system':
			message.system = buildSystem(spec);
			break;
		case 'request_welcome':
			break;
		case 'unsupported':
			message.errors = [
				{
					code: 131051,
					title: 'Message type unknown',
					message: 'Message type unknown',
					error_data: { details: 'Message type is currently not supported.' },
				},
			];
			message.unsupported = spec.unsupported ?? { type: 'edit' };
			break;
	}
	return message;
}

/**
 * "User <name> changed from <old> to <new>", as the system page's example and the BSUID page's prose word it
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/system/,
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids).
 */
function buildSystem(spec: InboundSpec): NonNullable<InboundMessage['system']> {
	const name = spec.name ?? spec.from ?? spec.userId;
	if (spec.system?.type === 'user_changed_user_id') {
		const userId = spec.system.user_id ?? 'US.13491208655302741919';
		return { body: `User ${name} changed from ${spec.userId} to ${userId}`, type: 'user_changed_user_id', user_id: userId, ...spec.system };
	}
	// The new number is `wa_id`, as the system page's example shows (older payloads said new_wa_id).
	const waId = spec.system?.wa_id ?? '15550009999';
	return { body: `User ${name} changed from ${spec.from} to ${waId}`, type: 'user_changed_number', wa_id: waId, ...spec.system };
}

function buildInteractive(given: Partial<InboundInteractive> | undefined): InboundInteractive {
	const type = given?.type ?? 'button_reply';
	if (type === 'list_reply') {
		return { type, list_reply: given?.list_reply ?? { id: 'row-1', title: 'First row', description: 'The first row' } };
	}
	if (type === 'nfm_reply') {
		return {
			type,
			nfm_reply: given?.nfm_reply ?? { name: 'flow', body: 'Sent', response_json: '{"flow_token":"sim-flow-token","answer":"yes"}' },
		};
	}
	return { type: 'button_reply', button_reply: given?.button_reply ?? { id: 'btn-yes', title: 'Yes' } };
}
