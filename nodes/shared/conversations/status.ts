/** Which delivery status wins: a later stage only (sent < delivered < read), and failed is final. */
import type { DeliveryState, StatusRecord } from './types';

export const STATE_RANK: Record<DeliveryState, number> = { sent: 1, delivered: 2, read: 3, failed: 4 };

/** The record to keep when `next` arrives after `current` (webhooks arrive out of order). */
export function laterStatus(current: StatusRecord | undefined, next: StatusRecord): StatusRecord {
	if (!current) return next;
	return STATE_RANK[next.state] > STATE_RANK[current.state] ? next : current;
}
