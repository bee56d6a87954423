/**
 * Meta's Resumable Upload API, which gives the handle a business profile picture (and a template's media example)
 * needs: `POST /{app-id}/uploads` starts a session, `POST /{session}` sends the bytes with `file_offset` as an HTTP
 * header and the token as `Authorization: OAuth …`, and answers `{h}`.
 * https://developers.facebook.com/docs/graph-api/guides/upload — "The file_offset parameter must be included as an
 * HTTP header. It will not work as a query parameter." The token goes in the Authorization header at both steps (the
 * pack never puts a token in a URL), which Graph accepts wherever it accepts `access_token`.
 */
import type { WhatsAppCredentials } from '../../shared/transport/types';
import { managementCall } from './common';
import { ManagementInputError } from './errors';

export interface UploadFile {
	data: Buffer;
	mimeType: string;
	fileName: string;
}

/** The credential's App ID, which the upload session belongs to; refused before any call when missing. */
export function appIdOf(credentials: WhatsAppCredentials): string {
	const appId = String(credentials.appId ?? '').trim();
	if (!/^\d{5,20}$/.test(appId)) {
		throw new ManagementInputError(
			['WhatsApp Cloud Nodes API credential', 'App ID'],
			'is empty, and uploading a file to Meta needs it',
			'Add your Meta app\'s ID (App Dashboard → App settings → Basic) to the credential.',
		);
	}
	return appId;
}

/** A session ID as Meta gives it (`upload:…?sig=…`): the path and its query, kept whole. */
function sessionRequest(sessionId: string): { path: string; query: Record<string, string> } {
	const [path, search = ''] = sessionId.split('?', 2);
	return { path: `/${path}`, query: Object.fromEntries(new URLSearchParams(search)) };
}

/** Uploads the file in one piece (offset 0) and returns Meta's handle. */
export async function uploadForHandle(credentials: WhatsAppCredentials, appId: string, file: UploadFile): Promise<string> {
	const session = await managementCall<{ id?: string }>(credentials, {
		method: 'POST',
		path: `/${appId}/uploads`,
		query: { file_name: file.fileName, file_length: file.data.length, file_type: file.mimeType },
	});
	if (!session.id) throw new Error('Meta started no upload session (its answer had no id)');
	const { path, query } = sessionRequest(session.id);
	const uploaded = await managementCall<{ h?: string }>(credentials, {
		method: 'POST',
		path,
		query,
		auth: 'oauth',
		headers: { file_offset: '0' },
		body: file.data,
		timeoutMs: 120_000,
	});
	if (!uploaded.h) throw new Error('Meta gave no file handle for the upload (its answer had no h)');
	return uploaded.h;
}
