import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { MediaKind } from '../../shared/media';
import type { MessagesRequestBody } from '../../shared/messages';

export type { MessageType } from './kinds';

/** Where a message carries a file: a media message's own, a header (interactive or template), a carousel card's header. */
export type MediaSlot = 'media' | 'header' | `card ${number}`;

/** Media IDs by slot: each slot named sends that ID; every other slot sends what the item gave (its link or media ID). */
export type SlotMediaIds = ReadonlyMap<MediaSlot, string>;

/** Builds an item's body afresh from what its kind read, with the media IDs given by slot. Pure: each call returns a new body. */
export type BuildBody = (mediaIds: SlotMediaIds) => MessagesRequestBody;

/** A binary file to upload before the send; the body is built with its media ID in its slot. */
export interface PendingUpload {
	/** The bytes, or how to get them if no media ID is known for `sha256` (a link not fetched again). */
	data: Buffer | (() => Promise<Buffer>);
	sha256?: string;
	mimeType: string;
	fileName?: string;
	kind: MediaKind;
	slot: MediaSlot;
}

/** "Upload Once and Send by ID" of a media link: `auto` when the execution sends the link to several items. */
export type LinkUploadOnce = 'auto' | 'always' | 'never';

/** A link in a body (a media message's, or a template or interactive header's) that may be sent by media ID instead. */
export interface MediaLinkUse {
	url: string;
	kind: MediaKind;
	uploadOnce: Exclude<LinkUploadOnce, 'never'>;
	/** The field the user gave the link in, as errors name it ("Link", "Header Link"). */
	field: string;
	/** Where the link is: uploaded once, that slot sends the media ID instead (mediaLinks.ts). */
	slot: MediaSlot;
}

/** A link as a reader finds it (maybe empty or not text), before the option is read. */
export type GivenLink = Omit<MediaLinkUse, 'uploadOnce' | 'url'> & { url: unknown };

/** One item, read and validated, ready to be scheduled. */
export interface PreparedMessage {
	/** Built once at read, the check pass: the links and IDs given, a placeholder ID in each slot still to be uploaded. */
	body: MessagesRequestBody;
	/** How to build the body again once uploads answered; only with `uploads` or `mediaLinks` (the rest send `body`). */
	build?: BuildBody;
	/** Files to upload before the send: a binary file, or links fetched once (a carousel has one per card). */
	uploads?: PendingUpload[];
	/** Media links to fetch once and send by media ID (see mediaLinks.ts), when the option allows. */
	mediaLinks?: MediaLinkUse[];
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
