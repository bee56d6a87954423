/** Shared media: Meta's MIME/size table, the content-hash upload cache, and media calls through the gate. */
export * from './types';
export {
	MEDIA_RULES,
	MEDIA_KINDS,
	MediaValidationError,
	checkMedia,
	extensionForMimeType,
	formatBytes,
	isAnimatedWebp,
	kindFromMimeType,
	mimeTypeFromFileName,
	normalizeMimeType,
} from './mime';
export type { CheckedMedia, MediaCheck } from './mime';
export {
	MEDIA_ID_TTL_MS,
	MEDIA_CACHE_MAX_ENTRIES,
	MediaCache,
	forgetMedia,
	isForgottenMedia,
	getMediaCache,
	mediaCacheKey,
} from './cache';
export type { CachedMedia } from './cache';
export { uploadMediaCached, getMediaInfo, downloadMedia, downloadMediaInto, deleteMedia, sha256Hex, MAX_CONCURRENT_DOWNLOADS } from './api';
export type { UploadMediaArgs, MediaInfo, DownloadedMedia, StoredMedia } from './api';
export { LINK_FETCH_TIMEOUT_MS, MAX_LINK_REDIRECTS, MediaLinkError, loadMediaLink, resolveMediaLink } from './link';
export type { LinkFetchOptions, LinkFile } from './link';
export { cacheDirectives, conditionalHeaders, linkFreshness } from './linkFreshness';
