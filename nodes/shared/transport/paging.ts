/** What every paged listing of the pack shares, whatever it lists. */
import { isGraphApiError, STALE_CURSOR_CODE } from './errors';

/**
 * Runs a whole paged listing; when Meta refuses one of its cursors as no longer valid (131059, v24+), runs it once
 * more from the first page, without a cursor. A second 131059 is Meta's final answer and is thrown.
 */
export async function listAgainOnStaleCursor<T>(list: () => Promise<T>): Promise<T> {
	try {
		return await list();
	} catch (error) {
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- the listing's own error, unchanged; nodes convert it with toNodeApiError
		if (!isGraphApiError(error) || error.code !== STALE_CURSOR_CODE) throw error;
		return list();
	}
}
