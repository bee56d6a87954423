import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { MediaKind } from '../../shared/media';
import type { MessagesRequestBody } from '../../shared/messages';

export type MessageType =
	| 'text'
	| 'image'
	| 'video'
	| 'audio'
	| 'document'
	| 'sticker'
	| 'location'
	| 'contacts'
	| 'reaction'
	| 'buttons'
	| 'list'
	| 'ctaUrl'
	| 'flow'
	| 'locationRequest'
	| 'product'
	| 'productList'
	| 'catalog'
	| 'callPermissionRequest'
	| 'template'
	| 'markAsRead';

/** A binary file to upload before the send; its media ID replaces the placeholder in the body. */
export interface PendingUpload {
	data: Buffer;
	mimeType: string;
	fileName?: string;
	kind: MediaKind;
	/** Where the media ID goes once uploaded. */
	setMediaId: (body: MessagesRequestBody, mediaId: string) => void;
}

/** One item, read and validated, ready to be scheduled. */
export interface PreparedMessage {
	body: MessagesRequestBody;
	upload?: PendingUpload;
	/** Template sends are checked against the template Meta holds before any send. */
	template?: { name: string; language: string; languageGiven: boolean };
}

/** One message kind: its UI fields, how it reads an item into a body, and the labels of its fields. */
export interface MessageKindModule {
	description: INodeProperties[];
	read(context: IExecuteFunctions, itemIndex: number): Promise<PreparedMessage>;
	/** Builder field name → the display name the user sees (for errors). */
	labels: Record<string, string>;
}
