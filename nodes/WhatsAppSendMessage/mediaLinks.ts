/**
 * "Upload Once and Send by ID": media links fetched once per execution (and reused across executions while their
 * caching headers allow), so each item uploads nothing new and sends the media ID. Meta recommends media IDs over
 * links for throughput: https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { fieldError } from '../shared/errors';
import type { SharedEntries } from '../shared/limiter';
import { loadMediaLink, MediaLinkError, resolveMediaLink, type LinkFile } from '../shared/media';
import type { MediaLinkUse, PreparedMessage } from './actions/types';

type LinkItem = PreparedMessage & { itemIndex: number };

/** The links to upload once: "Always" ones, and "When Sent to Several Items" ones that more than one item sends. */
export function linksToUpload(items: LinkItem[]): Set<string> {
	const counts = new Map<string, number>();
	for (const item of items) for (const link of item.mediaLinks ?? []) counts.set(link.url, (counts.get(link.url) ?? 0) + 1);
	const chosen = new Set<string>();
	for (const item of items) {
		for (const link of item.mediaLinks ?? []) if (link.uploadOnce === 'always' || (counts.get(link.url) ?? 0) > 1) chosen.add(link.url);
	}
	return chosen;
}

/** A link as an error may show it: without its query, which may hold a signature (a pre-signed storage URL). */
function shownLink(url: string): string {
	try {
		const parsed = new URL(url);
		return `${parsed.origin}${parsed.pathname}${parsed.search ? '?…' : ''}`;
	} catch {
		return url.slice(0, 100);
	}
}

/** The link's slot becomes an upload of its file: the body sent is built with the media ID (message, header or card). */
function sendById(item: LinkItem, link: MediaLinkUse, file: LinkFile): void {
	(item.uploads ??= []).push({
		data: file.data ?? (() => loadMediaLink(file)),
		sha256: file.sha256,
		mimeType: file.mimeType,
		fileName: file.fileName || undefined,
		kind: file.kind,
		slot: link.slot,
	});
}

/**
 * Fetches each chosen link once (all at once, before any send) and turns its items into uploads of that file; an item
 * whose link fails gets `fail(item, error)` with an error naming the item and the link's field. Returns the items left.
 */
export async function uploadLinksOnce<T extends LinkItem>(
	context: IExecuteFunctions,
	items: T[],
	shared: SharedEntries | undefined,
	fail: (item: T, error: Error) => void,
): Promise<T[]> {
	const chosen = linksToUpload(items);
	if (chosen.size === 0) return items;
	const files = new Map<string, Promise<LinkFile>>();
	const key = (link: MediaLinkUse) => `${link.kind}|${link.url}`;
	for (const item of items) {
		for (const link of item.mediaLinks ?? []) {
			if (!chosen.has(link.url) || files.has(key(link))) continue;
			const resolving = resolveMediaLink(link.url, link.kind, shared);
			// Awaited below per item; a failure is each of its items' error, not an unhandled rejection.
			resolving.catch(() => undefined);
			files.set(key(link), resolving);
		}
	}
	const kept: T[] = [];
	for (const item of items) {
		const links = (item.mediaLinks ?? []).filter((link) => chosen.has(link.url));
		const resolved = await Promise.all(
			links.map((link) =>
				files.get(key(link))!.then(
					(file) => ({ link, file, failure: undefined }),
					(failure: unknown) => ({ link, file: undefined, failure }),
				),
			),
		);
		const failed = resolved.find((outcome) => !outcome.file);
		if (!failed) {
			for (const { link, file } of resolved) sendById(item, link, file!);
			kept.push(item);
			continue;
		}
		if (!(failed.failure instanceof MediaLinkError)) return Promise.reject(failed.failure);
		fail(
			item,
			fieldError(context.getNode(), item.itemIndex, failed.link.field, `could not be fetched to upload once (${shownLink(failed.link.url)}): ${failed.failure.message}`, {
				description:
					'Fix the link, or set "Upload Once and Send by ID" to "Never" to let Meta download it. Nothing was sent to WhatsApp for this item.',
			}),
		);
	}
	return kept;
}
