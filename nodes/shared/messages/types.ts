/**
 * Cloud API message payloads (`POST /{phone-number-id}/messages`), as Meta documents them. Every builder returns one
 * of these; nothing else crosses the boundary to Meta.
 */

/** Fields every message shares; exactly one of `to` and `recipient` is set. */
export interface MessageEnvelope {
	messaging_product: 'whatsapp';
	recipient_type: 'individual';
	/** The recipient's phone number or WhatsApp ID, digits only (E.164 without `+`). */
	to?: string;
	/**
	 * The recipient's business-scoped user ID or parent BSUID, for users known only by one (a WhatsApp username).
	 * https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids
	 */
	recipient?: string;
	context?: { message_id: string };
	biz_opaque_callback_data?: string;
}

export interface TextMessage extends MessageEnvelope {
	type: 'text';
	text: { body: string; preview_url?: boolean };
}

/** A media object: exactly one of `id` (uploaded media) or `link` (public HTTPS URL). */
export interface MediaReference {
	id?: string;
	link?: string;
}

export interface ImageObject extends MediaReference {
	caption?: string;
}
export interface VideoObject extends MediaReference {
	caption?: string;
}
export interface DocumentObject extends MediaReference {
	caption?: string;
	filename?: string;
}
export interface AudioObject extends MediaReference {
	/** true = send as a voice note (OGG/Opus). */
	voice?: boolean;
}
export type StickerObject = MediaReference;

export type MediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker';

export interface ImageMessage extends MessageEnvelope {
	type: 'image';
	image: ImageObject;
}
export interface VideoMessage extends MessageEnvelope {
	type: 'video';
	video: VideoObject;
}
export interface AudioMessage extends MessageEnvelope {
	type: 'audio';
	audio: AudioObject;
}
export interface DocumentMessage extends MessageEnvelope {
	type: 'document';
	document: DocumentObject;
}
export interface StickerMessage extends MessageEnvelope {
	type: 'sticker';
	sticker: StickerObject;
}
export type MediaMessage = ImageMessage | VideoMessage | AudioMessage | DocumentMessage | StickerMessage;

export interface LocationObject {
	latitude: number;
	longitude: number;
	name?: string;
	address?: string;
}
export interface LocationMessage extends MessageEnvelope {
	type: 'location';
	location: LocationObject;
}

export interface ContactName {
	formatted_name: string;
	first_name?: string;
	last_name?: string;
	middle_name?: string;
	suffix?: string;
	prefix?: string;
}
export interface ContactPhone {
	phone?: string;
	type?: string;
	wa_id?: string;
}
export interface ContactEmail {
	email?: string;
	type?: string;
}
export interface ContactAddress {
	street?: string;
	city?: string;
	state?: string;
	zip?: string;
	country?: string;
	country_code?: string;
	type?: string;
}
export interface ContactOrg {
	company?: string;
	department?: string;
	title?: string;
}
export interface ContactUrl {
	url?: string;
	type?: string;
}
export interface ContactObject {
	name: ContactName;
	phones?: ContactPhone[];
	emails?: ContactEmail[];
	addresses?: ContactAddress[];
	org?: ContactOrg;
	urls?: ContactUrl[];
	/** YYYY-MM-DD */
	birthday?: string;
}
export interface ContactsMessage extends MessageEnvelope {
	type: 'contacts';
	contacts: ContactObject[];
}

export interface ReactionMessage extends MessageEnvelope {
	type: 'reaction';
	/** An empty emoji removes the reaction. */
	reaction: { message_id: string; emoji: string };
}

export type InteractiveHeader =
	| { type: 'text'; text: string }
	| { type: 'image'; image: MediaReference }
	| { type: 'video'; video: MediaReference }
	| { type: 'document'; document: MediaReference & { filename?: string } };

export interface InteractiveText {
	text: string;
}

export interface ReplyButton {
	type: 'reply';
	reply: { id: string; title: string };
}

export interface InteractiveButtons {
	type: 'button';
	header?: InteractiveHeader;
	body: InteractiveText;
	footer?: InteractiveText;
	action: { buttons: ReplyButton[] };
}

export interface ListRow {
	id: string;
	title: string;
	description?: string;
}
export interface ListSection {
	title?: string;
	rows: ListRow[];
}
export interface InteractiveList {
	type: 'list';
	header?: { type: 'text'; text: string };
	body: InteractiveText;
	footer?: InteractiveText;
	action: { button: string; sections: ListSection[] };
}

export interface InteractiveCtaUrl {
	type: 'cta_url';
	header?: InteractiveHeader;
	body: InteractiveText;
	footer?: InteractiveText;
	action: { name: 'cta_url'; parameters: { display_text: string; url: string } };
}

export interface FlowActionPayload {
	screen: string;
	data?: Record<string, unknown>;
}
export interface FlowParameters {
	flow_message_version: '3';
	flow_token?: string;
	flow_id?: string;
	flow_name?: string;
	flow_cta: string;
	mode?: 'published' | 'draft';
	flow_action?: 'navigate' | 'data_exchange';
	flow_action_payload?: FlowActionPayload;
}
export interface InteractiveFlow {
	type: 'flow';
	header?: { type: 'text'; text: string };
	body: InteractiveText;
	footer?: InteractiveText;
	action: { name: 'flow'; parameters: FlowParameters };
}

export interface InteractiveLocationRequest {
	type: 'location_request_message';
	body: InteractiveText;
	action: { name: 'send_location' };
}

/** One product of a catalog linked to the WhatsApp Business Account: https://developers.facebook.com/documentation/business-messaging/whatsapp/catalogs/sell-products-and-services/share-products */
export interface InteractiveProduct {
	type: 'product';
	body?: InteractiveText;
	footer?: InteractiveText;
	action: { catalog_id: string; product_retailer_id: string };
}

export interface ProductSection {
	title?: string;
	product_items: Array<{ product_retailer_id: string }>;
}
export interface InteractiveProductList {
	type: 'product_list';
	header: { type: 'text'; text: string };
	body: InteractiveText;
	footer?: InteractiveText;
	action: { catalog_id: string; sections: ProductSection[] };
}

export interface InteractiveCatalogMessage {
	type: 'catalog_message';
	body: InteractiveText;
	footer?: InteractiveText;
	action: { name: 'catalog_message'; parameters?: { thumbnail_product_retailer_id: string } };
}

/** Asks the user's permission to call them: https://developers.facebook.com/documentation/business-messaging/whatsapp/calling/user-call-permissions */
export interface InteractiveCallPermissionRequest {
	type: 'call_permission_request';
	body?: InteractiveText;
	action: { name: 'call_permission_request' };
}

export type InteractiveObject =
	| InteractiveCallPermissionRequest
	| InteractiveButtons
	| InteractiveList
	| InteractiveCtaUrl
	| InteractiveFlow
	| InteractiveLocationRequest
	| InteractiveProduct
	| InteractiveProductList
	| InteractiveCatalogMessage;

export interface InteractiveMessage<T extends InteractiveObject = InteractiveObject> extends MessageEnvelope {
	type: 'interactive';
	interactive: T;
}

export type TemplateTextParameter = { type: 'text'; text: string; parameter_name?: string };
export type TemplateCurrencyParameter = {
	type: 'currency';
	currency: { fallback_value: string; code: string; amount_1000: number };
	parameter_name?: string;
};
export type TemplateDateTimeParameter = {
	type: 'date_time';
	date_time: { fallback_value: string };
	parameter_name?: string;
};
export type TemplateBodyParameter = TemplateTextParameter | TemplateCurrencyParameter | TemplateDateTimeParameter;

export type TemplateHeaderParameter =
	| TemplateTextParameter
	| { type: 'image'; image: MediaReference }
	| { type: 'video'; video: MediaReference }
	| { type: 'document'; document: MediaReference & { filename?: string } }
	| { type: 'location'; location: LocationObject }
	| TemplateProductParameter;

/** A product card's header: https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/product-card-carousel-templates */
export type TemplateProductParameter = { type: 'product'; product: { product_retailer_id: string; catalog_id: string } };

/** catalog and mpm: https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/catalog-templates, …/mpm-templates */
export type TemplateButtonSubType = 'quick_reply' | 'url' | 'copy_code' | 'flow' | 'catalog' | 'mpm' | 'order_details';

/**
 * A checkout button's order (India): https://developers.facebook.com/documentation/business-messaging/whatsapp/payments/payments-in/checkout-button-templates
 * Checked field by field in templateCheckout.ts; sent as the user gave it.
 */
export interface OrderDetails {
	reference_id: string;
	type: 'digital-goods' | 'physical-goods';
	currency: 'INR';
	payment_settings: Array<{ type: 'payment_gateway'; payment_gateway: { type: string; configuration_name: string } }>;
	shipping_info?: { country: 'IN'; addresses: Array<Record<string, string>> };
	order: Record<string, unknown>;
	total_amount: { offset: number; value: number };
}

export type TemplateButtonParameter =
	| { type: 'payload'; payload: string }
	| { type: 'text'; text: string }
	| { type: 'coupon_code'; coupon_code: string }
	| { type: 'action'; action: { flow_token?: string; flow_action_data?: Record<string, unknown> } }
	| { type: 'action'; action: { thumbnail_product_retailer_id: string; sections?: ProductSection[] } }
	| { type: 'action'; action: { order_details: OrderDetails } };

export type TemplateButtonComponent = { type: 'button'; sub_type: TemplateButtonSubType; index: string; parameters: TemplateButtonParameter[] };

/** One card of a carousel template: its header (media or product), body variables and button values. */
export interface TemplateCard {
	card_index: number;
	components: Array<
		| { type: 'header'; parameters: TemplateHeaderParameter[] }
		| { type: 'body'; parameters: TemplateBodyParameter[] }
		| TemplateButtonComponent
	>;
}

export type TemplateComponent =
	| { type: 'header'; parameters: TemplateHeaderParameter[] }
	| { type: 'body'; parameters: TemplateBodyParameter[] }
	| TemplateButtonComponent
	| { type: 'carousel'; cards: TemplateCard[] }
	| TemplateLimitedTimeOffer;

/** When the offer of a limited-time offer template expires: https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/limited-time-offer-templates */
export type TemplateLimitedTimeOffer = {
	type: 'limited_time_offer';
	parameters: Array<{ type: 'limited_time_offer'; limited_time_offer: { expiration_time_ms: number } }>;
};

export interface TemplateMessage extends MessageEnvelope {
	type: 'template';
	template: {
		name: string;
		language: { code: string; policy?: 'deterministic' };
		components?: TemplateComponent[];
	};
}

/** Mark an incoming message as read (blue ticks), optionally showing a typing indicator. */
export interface MarkAsReadRequest {
	messaging_product: 'whatsapp';
	status: 'read';
	message_id: string;
	typing_indicator?: { type: 'text' };
}

export type SendMessageBody =
	| TextMessage
	| MediaMessage
	| LocationMessage
	| ContactsMessage
	| ReactionMessage
	| InteractiveMessage
	| TemplateMessage;

/** Everything the Send Message node can post to `/{phone-number-id}/messages`. */
export type MessagesRequestBody = SendMessageBody | MarkAsReadRequest;

/** Meta's answer to a send. */
export interface SendMessageResponse {
	messaging_product?: 'whatsapp';
	/** `wa_id` for a message sent to a phone number, `user_id` for one sent to a BSUID or parent BSUID. */
	contacts?: Array<{ input?: string; wa_id?: string; user_id?: string }>;
	messages?: Array<{ id: string; message_status?: 'accepted' | 'held_for_quality_assessment' | 'paused' | string }>;
}

/** Meta's answer to mark-as-read. */
export interface MarkAsReadResponse {
	success?: boolean;
}
