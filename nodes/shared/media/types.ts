/** Cloud API media payloads (see CLOUD_API.md, Media). */

/** The WhatsApp media kinds a message or upload can carry. */
export type MediaKind = 'audio' | 'document' | 'image' | 'sticker' | 'video';

/** `POST /{phone-number-id}/media` → */
export interface MediaUploadResponse {
	id: string;
}

/** `GET /{media-id}` → (the URL lives 5 minutes and needs the bearer token) */
export interface MediaInfoResponse {
	messaging_product?: 'whatsapp';
	url: string;
	mime_type: string;
	/** Hex SHA-256 of the bytes. */
	sha256?: string;
	/** Bytes; Meta sends a number, some versions a numeric string. */
	file_size?: number | string;
	id: string;
}

/** `DELETE /{media-id}` → */
export interface MediaDeleteResponse {
	success: boolean;
}

/** What `uploadMediaCached` returns. */
export interface UploadedMedia {
	mediaId: string;
	/** Hex SHA-256 of the bytes uploaded. */
	sha256: string;
	fileSize: number;
	mimeType: string;
	kind: MediaKind;
	/** True when the media ID came from the cache and nothing was uploaded. */
	fromCache: boolean;
}
