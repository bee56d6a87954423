/**
 * What each message kind is — its name, description, whether it sends a message and whether the 24-hour window binds
 * it — in one list: the node's Message Type options, the subtitle, the fields shown for sending kinds, the window
 * option and the error texts all derive from it, so adding a kind is one entry here and its module in the router
 * (actions/index.ts, which the compiler keeps complete).
 */

export interface KindInfo {
	name: string;
	description: string;
	/** Sends a message to a recipient (Mark as Read does not). */
	sends: boolean;
	/**
	 * A service (free-form) message, bound by the 24-hour window; templates are not. Meta's Service messages page lists
	 * them: https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/send-messages
	 */
	freeForm: boolean;
}

const message = (name: string, description: string): KindInfo => ({ name, description, sends: true, freeForm: true });

const KIND_LIST = {
	text: message('Text', 'A text message, with an optional link preview'),
	image: message('Image', 'A JPEG or PNG picture with an optional caption'),
	video: message('Video', 'An MP4 or 3GPP video with an optional caption'),
	audio: message('Audio', 'An audio file or voice note'),
	document: message('Document', 'A file (PDF, Word, Excel…) with a file name and caption'),
	sticker: message('Sticker', 'A WebP sticker'),
	location: message('Location', 'A map pin with a name and address'),
	contacts: message('Contacts', 'One or more contact cards'),
	reaction: message('Reaction', 'An emoji reaction to a message (or remove one)'),
	buttons: message('Reply Buttons', 'A text with up to 3 reply buttons'),
	list: message('List', 'A menu of up to 10 choices behind a button'),
	ctaUrl: message('Call-to-Action URL', 'A text with one button that opens a web page'),
	flow: message('Flow', 'A WhatsApp Flow (a form in the chat)'),
	locationRequest: message('Location Request', 'Ask the user to share their location'),
	product: message('Product', 'One product of your catalog, which the user can add to a cart'),
	productList: message('Product List', 'Up to 30 products of your catalog in sections'),
	catalog: message('Catalog', 'A "View catalog" button that opens your whole catalog'),
	callPermissionRequest: message('Call Permission Request', 'Ask the user for permission to call them'),
	template: { name: 'Template', description: 'An approved template: the only kind allowed outside the 24-hour window', sends: true, freeForm: false },
	// The operation "Mark as Read" runs as this kind; workflows saved before it was an operation hold it as a Message Type.
	markAsRead: { name: 'Mark as Read', description: 'Mark a received message as read (blue ticks), optionally showing "typing…"', sends: false, freeForm: false },
} satisfies Record<string, KindInfo>;

export type MessageType = keyof typeof KIND_LIST;

export const KINDS: Record<MessageType, KindInfo> = KIND_LIST;

export const MESSAGE_TYPES = Object.keys(KINDS) as MessageType[];

export const MESSAGE_TYPE_NAMES = Object.fromEntries(MESSAGE_TYPES.map((type) => [type, KINDS[type].name])) as Record<MessageType, string>;

/** Every kind that sends a message to a recipient. */
export const SENDING_KINDS = MESSAGE_TYPES.filter((type) => KINDS[type].sends);

/** The kinds the 24-hour window binds. */
export const FREE_FORM_KINDS = MESSAGE_TYPES.filter((type) => KINDS[type].freeForm);
