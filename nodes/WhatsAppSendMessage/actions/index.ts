import { module as buttons } from './buttons';
import { module as callPermissionRequest } from './callPermissionRequest';
import { module as catalog } from './catalog';
import { commonLabels } from './common';
import { module as contacts } from './contacts';
import { module as ctaUrl } from './ctaUrl';
import { module as flow } from './flow';
import { module as list } from './list';
import { module as location } from './location';
import { module as locationRequest } from './locationRequest';
import { module as markAsRead } from './markAsRead';
import { module as media } from './media';
import { module as product } from './product';
import { module as productList } from './productList';
import { module as reaction } from './reaction';
import { module as template } from './template';
import { module as text } from './text';
import type { MessageKindModule, MessageType } from './types';

/** The router: one module per message kind (the five media kinds share one); what each kind is: kinds.ts. */
export const messageKinds: Record<MessageType, MessageKindModule> = {
	text,
	image: media,
	video: media,
	audio: media,
	document: media,
	sticker: media,
	location,
	contacts,
	reaction,
	buttons,
	list,
	ctaUrl,
	flow,
	locationRequest,
	product,
	productList,
	catalog,
	callPermissionRequest,
	template,
	markAsRead,
};

export { KINDS, MESSAGE_TYPE_NAMES } from './kinds';

/**
 * The display name of a builder field path for one kind, e.g. `sections[1].rows[0].id` → "Sections #2 › Rows #1 › ID".
 */
export function fieldDisplayName(kind: MessageType, field: string): string {
	const labels: Record<string, string> = { ...commonLabels, ...(messageKinds[kind]?.labels ?? {}) };
	if (labels[field]) return labels[field];
	const segments = field.split('.').map((segment) => {
		const match = /^([^[]+)((?:\[\d+\])*)$/.exec(segment);
		return { name: match?.[1] ?? segment, indexes: [...(match?.[2] ?? '').matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])) };
	});
	const parts: string[] = [];
	segments.forEach((segment, position) => {
		const path = segments.slice(0, position + 1).map((s) => s.name).join('.');
		const label = labels[path] ?? labels[segment.name] ?? segment.name.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase());
		parts.push(segment.indexes.length ? `${label} ${segment.indexes.map((i) => `#${i + 1}`).join(' ')}` : label);
	});
	return parts.join(' › ');
}
