/**
 * Meta's Resumable Upload API, which gives the handles template media headers, carousel cards and the business
 * profile picture need: `POST /{app-id}/uploads` (a session), `POST /upload:{session}` (the bytes, `file_offset` as an
 * HTTP header, the token in the Authorization header) → `{h}`, and `GET /upload:{session}` → `{id, file_offset}`.
 * https://developers.facebook.com/docs/graph-api/guides/upload — "The file_offset parameter must be included as an
 * HTTP header. It will not work as a query parameter. The access token must be included in an Authorization HTTP
 * header." (the WhatsApp business profile's upload steps, Meta's Postman collection).
 */
import { createHmac } from 'crypto';

import type { Route, SimContext, SimRequest, SimResponse } from './types';
import { MetaError } from './types';
import { invalidParameter, moduleState } from './surfaces';

/** "Valid values are: application/pdf, image/jpeg, image/jpg, image/png, and video/mp4" (Upload a file, step 1). */
export const UPLOAD_FILE_TYPES = ['application/pdf', 'image/jpeg', 'image/jpg', 'image/png', 'video/mp4'];

interface Session {
	fileName: string;
	fileLength: number;
	fileType: string;
	received: Buffer;
	handle?: string;
}

function sessionsOf(sim: SimContext): Map<string, Session> {
	return moduleState(sim, 'resumableUploads', () => new Map<string, Session>());
}

/** The `?sig=` Meta appends to a session ID, so a client must keep the ID whole (query string included). */
function signature(sim: SimContext, key: string): string {
	return createHmac('sha256', sim.fixture.appSecret).update(key).digest('base64url').slice(0, 16);
}

function startSession(req: SimRequest, params: Record<string, string>, sim: SimContext): SimResponse {
	if (params.appId !== sim.fixture.appId) throw invalidParameter(`Unsupported post request. Object with ID '${params.appId}' is not an app`);
	const fileName = req.query.get('file_name') ?? '';
	const fileLength = Number(req.query.get('file_length'));
	const fileType = req.query.get('file_type') ?? '';
	if (fileName === '') throw invalidParameter('Param file_name is required');
	if (!Number.isInteger(fileLength) || fileLength < 1) throw invalidParameter('Param file_length must be a positive integer: the file size in bytes');
	if (!UPLOAD_FILE_TYPES.includes(fileType)) throw invalidParameter(`Param file_type must be one of {${UPLOAD_FILE_TYPES.join(', ')}} - got "${fileType}"`);
	const sessions = sessionsOf(sim);
	const key = Buffer.from(`sim:${sim.fixture.appId}:${sessions.size + 1}:${fileName}`).toString('base64url');
	sessions.set(key, { fileName, fileLength, fileType, received: Buffer.alloc(0) });
	return { status: 200, body: { id: `upload:${key}?sig=${signature(sim, key)}` } };
}

function sessionFor(req: SimRequest, params: Record<string, string>, sim: SimContext): { key: string; session: Session } {
	const key = params.session;
	const session = sessionsOf(sim).get(key);
	if (!session || req.query.get('sig') !== signature(sim, key)) throw invalidParameter(`Upload session upload:${key} does not exist or its signature is wrong`);
	// The token only counts in the Authorization header here (the server also reads `access_token` from the query).
	if (!/^(?:OAuth|Bearer)\s+/i.test(String(req.headers.authorization ?? ''))) {
		throw new MetaError({ httpStatus: 401, code: 190, message: 'An access token is required in the Authorization header to upload a file' });
	}
	return { key, session };
}

function upload(req: SimRequest, params: Record<string, string>, sim: SimContext): SimResponse {
	const { session } = sessionFor(req, params, sim);
	const header = req.headers.file_offset;
	if (header === undefined) throw invalidParameter('The file_offset header is required (it does not work as a query parameter)');
	const offset = Number(header);
	if (!Number.isInteger(offset) || offset !== session.received.length) {
		throw invalidParameter(`file_offset must be ${session.received.length}, where the upload stands - got "${String(header)}"`);
	}
	const received = Buffer.concat([session.received, req.rawBody]);
	if (received.length > session.fileLength) throw invalidParameter(`The upload is longer than file_length (${session.fileLength} bytes)`);
	session.received = received;
	// A part of the file: Meta's pages show no answer for it; the session's state (as GET gives it) stands in.
	if (received.length < session.fileLength) return { status: 200, body: { id: `upload:${params.session}`, file_offset: received.length } };
	session.handle ??= `4::${Buffer.from(session.fileType).toString('base64')}:ARZsim${Buffer.from(params.session).toString('base64url').slice(-12)}`;
	return { status: 200, body: { h: session.handle } };
}

function status(req: SimRequest, params: Record<string, string>, sim: SimContext): SimResponse {
	const { session } = sessionFor(req, params, sim);
	return { status: 200, body: { id: `upload:${params.session}`, file_offset: session.received.length } };
}

const sessionPath = (segments: string[]) => (segments.length === 1 && segments[0].startsWith('upload:') ? { session: segments[0].slice('upload:'.length) } : null);

export const resumableUploadRoutes: Route[] = [
	{ method: 'POST', match: (segments) => (segments.length === 2 && segments[1] === 'uploads' ? { appId: segments[0] } : null), handler: startSession },
	{ method: 'POST', match: sessionPath, handler: upload },
	{ method: 'GET', match: sessionPath, handler: status },
];
