/**
 * The HTTP server: per request, version parsing, auth, app rate and WABA budget, fault injection, the handler,
 * latency, then Meta-style JSON. Node's `http` only; nothing printed on the hot path.
 */
import http, { type IncomingMessage, type ServerResponse } from 'http';
import type { Socket } from 'net';

import { faultErrorDefaults } from './faults';
import { isFlowId } from './flows';
import { receiveDelay } from './latency';
import { regainAccessMinutes } from './limits';
import type { SimState } from './state';
import { MetaError, recipientKey, type FaultAction, type Fixture, type MultipartFile, type Route, type SimRequest, type SimResponse } from './types';

export { MetaError };

/** Live Graph API versions, oldest first (late 2026). */
export const LIVE_VERSIONS = ['v21.0', 'v22.0', 'v23.0', 'v24.0', 'v25.0', 'v26.0'];
export const LATEST_VERSION = LIVE_VERSIONS[LIVE_VERSIONS.length - 1];

const NON_ASCII = /[\u0080-\uffff]/g;

/** JSON the way Meta writes it: `/` as `\/` and every non-ASCII character as `\uXXXX`. */
export function metaJson(value: unknown): string {
	// '/' and non-ASCII can only occur inside JSON strings, so replacing over the whole text is safe.
	let text = JSON.stringify(value) ?? 'null';
	if (text.includes('/')) text = text.replace(/\//g, '\\/');
	NON_ASCII.lastIndex = 0;
	if (NON_ASCII.test(text)) {
		text = text.replace(NON_ASCII, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
	}
	return text;
}

/** A random-looking fbtrace_id like Meta's. */
function fbtraceId(random: () => number): string {
	const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
	let id = 'A';
	for (let i = 0; i < 22; i++) id += chars[Math.floor(random() * chars.length)];
	return id;
}

/** Meta's error envelope for a MetaError. */
export function metaErrorBody(error: MetaError, random: () => number): Record<string, unknown> {
	const body: Record<string, unknown> = { message: error.message, type: error.type, code: error.code };
	if (error.code === 4) {
		// Graph's app rate limit, as every 429 example of Meta's OpenAPI spec: subcode 2446079, is_transient, no
		// WhatsApp error_data. https://github.com/facebook/openapi/blob/ecba623b4aba6ae770185b074ed77ed5acef22f7/business-messaging-api_v23.0.yaml
		return { error: { ...body, error_subcode: error.subcode ?? 2446079, fbtrace_id: fbtraceId(random), is_transient: true } };
	}
	if (error.subcode !== undefined) body.error_subcode = error.subcode;
	if (error.details !== undefined) body.error_data = { messaging_product: 'whatsapp', details: error.details };
	body.fbtrace_id = fbtraceId(random);
	return { error: body };
}

/** Parses `version` from the first segment; older versions are served as the oldest live one. */
export function parseVersion(segments: string[]): { version: string; rest: string[] } {
	const match = segments.length > 0 ? /^v(\d+)(?:\.(\d+))?$/.exec(segments[0]) : null;
	if (!match) return { version: LATEST_VERSION, rest: segments };
	const major = Number(match[1]);
	const oldest = Number(LIVE_VERSIONS[0].slice(1, 3));
	const newest = Number(LATEST_VERSION.slice(1, 3));
	const served = Math.min(Math.max(major, oldest), newest);
	return { version: `v${served}.0`, rest: segments.slice(1) };
}

/** Parses multipart/form-data (enough for Meta's media upload). */
export function parseMultipart(
	body: Buffer,
	contentType: string,
): { fields: Record<string, string>; files: Record<string, MultipartFile> } {
	const boundaryMatch = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
	if (!/^multipart\/form-data/i.test(contentType) || !boundaryMatch) {
		throw new MetaError({ httpStatus: 400, code: 100, message: '(#100) The request must be multipart/form-data', type: 'OAuthException' });
	}
	const boundary = Buffer.from(`--${boundaryMatch[1] ?? boundaryMatch[2].trim()}`);
	const fields: Record<string, string> = {};
	const files: Record<string, MultipartFile> = {};
	let start = body.indexOf(boundary);
	while (start !== -1) {
		const partStart = start + boundary.length;
		if (body.subarray(partStart, partStart + 2).toString() === '--') break;
		const next = body.indexOf(boundary, partStart);
		if (next === -1) break;
		// Part = CRLF headers CRLF CRLF data CRLF
		const part = body.subarray(partStart + 2, next - 2);
		const headerEnd = part.indexOf('\r\n\r\n');
		if (headerEnd !== -1) {
			const headerText = part.subarray(0, headerEnd).toString('utf8');
			const data = part.subarray(headerEnd + 4);
			const name = /name="([^"]*)"/i.exec(headerText)?.[1];
			const filename = /filename="([^"]*)"/i.exec(headerText)?.[1];
			const partType = /content-type:\s*([^\r\n]+)/i.exec(headerText)?.[1]?.trim();
			if (name !== undefined) {
				if (filename !== undefined) {
					files[name] = { filename, contentType: partType ?? 'application/octet-stream', data: Buffer.from(data) };
				} else {
					fields[name] = data.toString('utf8');
				}
			}
		}
		start = next;
	}
	return { fields, files };
}

function parseFormUrlEncoded(text: string): Record<string, unknown> {
	return parseFormFields(new URLSearchParams(text));
}

function parseFormFields(fields: Iterable<[string, string]>): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [key, value] of fields) {
		// Graph accepts nested objects as JSON strings in form fields.
		if (/^\s*[[{]/.test(value)) {
			try {
				out[key] = JSON.parse(value);
				continue;
			} catch {
				// not JSON: keep the text
			}
		}
		out[key] = value;
	}
	return out;
}

class IncomingSimRequest implements SimRequest {
	bearer?: string;
	private parsed: unknown;
	private parsedDone = false;

	constructor(
		public method: string,
		public path: string,
		public segments: string[],
		public version: string,
		public query: URLSearchParams,
		public headers: http.IncomingHttpHeaders,
		public rawBody: Buffer,
	) {}

	json(): unknown {
		if (this.parsedDone) return this.parsed;
		const type = String(this.headers['content-type'] ?? '');
		const text = this.rawBody.toString('utf8');
		if (/application\/x-www-form-urlencoded/i.test(type)) {
			this.parsed = parseFormUrlEncoded(text);
		} else if (/^multipart\/form-data/i.test(type)) {
			// curl -F, as Meta's pages show Graph calls (e.g. POST /{app-id}/subscriptions): the text fields, files aside.
			this.parsed = parseFormFields(Object.entries(parseMultipart(this.rawBody, type).fields));
		} else if (text.trim() === '') {
			this.parsed = {};
		} else {
			try {
				this.parsed = JSON.parse(text);
			} catch {
				throw new MetaError({
					httpStatus: 400,
					code: 100,
					message: '(#100) Invalid parameter',
					details: 'The request body is not valid JSON',
				});
			}
		}
		this.parsedDone = true;
		return this.parsed;
	}

	async form(): Promise<{ fields: Record<string, string>; files: Record<string, MultipartFile> }> {
		return parseMultipart(this.rawBody, String(this.headers['content-type'] ?? ''));
	}
}

/** Handles the `/_sim/…` control endpoints (no auth, no budget, not in the request log). */
export type ControlHandler = (
	method: string,
	segments: string[],
	query: URLSearchParams,
	body: Buffer,
) => Promise<SimResponse> | SimResponse;

function unsupported(method: string, segments: string[]): MetaError {
	const objectId = segments[0] ?? '';
	return new MetaError({
		httpStatus: 400,
		code: 100,
		subcode: 33,
		type: 'GraphMethodException',
		message: `Unsupported ${method.toLowerCase()} request. Object with ID '${objectId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
	});
}

export class SimServer {
	readonly server: http.Server;
	private readonly sockets = new Set<Socket>();
	private readonly timers = new Set<NodeJS.Timeout>();
	private stopped = false;

	constructor(
		private readonly state: SimState,
		private readonly routes: Route[],
		private readonly control: ControlHandler,
	) {
		this.server = http.createServer((req, res) => this.onRequest(req, res));
		this.server.keepAliveTimeout = 65_000;
		this.server.headersTimeout = 66_000;
		this.server.requestTimeout = 0;
		this.server.on('connection', (socket: Socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
	}

	async listen(port: number, host: string): Promise<string> {
		await new Promise<void>((resolve, reject) => {
			const onError = (error: Error) => reject(error);
			this.server.once('error', onError);
			this.server.listen(port, host, () => {
				this.server.off('error', onError);
				resolve();
			});
		});
		const address = this.server.address();
		const actualPort = typeof address === 'object' && address ? address.port : port;
		const shownHost = host.includes(':') ? `[${host}]` : host;
		return `http://${shownHost}:${actualPort}`;
	}

	async close(): Promise<void> {
		this.stopped = true;
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
		for (const socket of this.sockets) socket.destroy();
		this.sockets.clear();
		await closed;
	}

	private later(ms: number, fn: () => void): void {
		if (this.stopped) return;
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			fn();
		}, ms);
		this.timers.add(timer);
	}

	private onRequest(req: IncomingMessage, res: ServerResponse): void {
		const chunks: Buffer[] = [];
		let size = 0;
		let tooLarge = false;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > this.state.options.maxBodyBytes) {
				tooLarge = true;
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => {
			const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
			const handle = () =>
				this.handle(req, res, body, tooLarge).catch((error: unknown) => {
					// A bug in the simulator itself: answer like Meta's unknown error rather than hang.
					this.send(res, 500, { error: { message: String(error), type: 'OAuthException', code: 1 } }, {});
				});
			// A network that delivers the call late: it is counted (stamped) only when handled.
			const jitter = this.state.options.receiveJitter;
			const delay = jitter && !(req.url ?? '').startsWith('/_sim') ? receiveDelay(jitter, this.state.random()) : 0;
			if (delay > 0) this.later(delay, () => void handle());
			else void handle();
		});
		req.on('error', () => undefined);
	}

	private async handle(req: IncomingMessage, res: ServerResponse, rawBody: Buffer, tooLarge: boolean): Promise<void> {
		const state = this.state;
		const now = state.now();
		const rawUrl = req.url ?? '/';
		const q = rawUrl.indexOf('?');
		const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
		const queryText = q === -1 ? '' : rawUrl.slice(q + 1);
		const query = new URLSearchParams(queryText);
		const method = (req.method ?? 'GET').toUpperCase();
		let allSegments: string[];
		try {
			allSegments = path.split('/').filter((s) => s.length > 0).map((s) => decodeURIComponent(s));
		} catch {
			allSegments = path.split('/').filter((s) => s.length > 0);
		}

		if (allSegments[0] === '_sim') {
			let response: SimResponse;
			try {
				response = await this.control(method, allSegments.slice(1), query, rawBody);
			} catch (error) {
				response = { status: 400, body: { error: { message: error instanceof Error ? error.message : String(error) } } };
			}
			this.send(res, response.status, response.body, response.headers ?? {});
			return;
		}

		const logEntry = {
			at: now,
			method,
			path,
			query: queryText,
			headers: withoutAuthorization(req.headers),
			body: rawBody.length > 0 ? rawBody.toString('utf8', 0, Math.min(rawBody.length, state.options.requestLogBodyChars * 4)).slice(0, state.options.requestLogBodyChars) : '',
			status: undefined as number | undefined,
		};
		state.logRequest(logEntry);
		state.counters.calls++;

		const { version, rest: segments } = parseVersion(allSegments);
		const route = this.routes.find((r) => r.method === method && r.match(segments) !== null);
		const params = route ? (route.match(segments) as Record<string, string>) : {};

		const simRequest = new IncomingSimRequest(method, path, segments, version, query, req.headers, rawBody);
		const authHeader = req.headers.authorization;
		const bearerMatch = typeof authHeader === 'string' ? /^(?:Bearer|OAuth)\s+(.+)$/i.exec(authHeader.trim()) : null;
		simRequest.bearer = bearerMatch?.[1] ?? query.get('access_token') ?? formAccessToken(simRequest);

		let headers: Record<string, string> = {};
		const fail = (error: MetaError): void => {
			state.countRejected(error.code);
			if (error.httpStatus >= 500) state.counters.errors5xx++;
			logEntry.status = error.httpStatus;
			this.respondAfterLatency(res, error.httpStatus, metaErrorBody(error, state.random), { ...headers, ...(error.headers ?? {}) });
		};

		try {
			if (tooLarge) {
				throw new MetaError({ httpStatus: 413, code: 100, message: '(#100) Request body too large', details: `The body exceeds ${state.options.maxBodyBytes} bytes` });
			}
			this.authenticate(route?.auth ?? 'bearer', simRequest.bearer);
			if (!route) throw unsupported(method, segments);

			if (route.countsAgainstBudget !== false) headers = this.charge(now, isManagementCall(segments, state.fixture));

			const fault = state.faults.pending > 0 || hasRandomFaults(state) ? this.pickFault(method, segments, simRequest) : null;
			if (fault) {
				if (fault.kind === 'error') {
					const defaults = faultErrorDefaults(fault.code);
					let faultHeaders = fault.headers ?? {};
					if ((fault.code === 80007 || fault.code === 4) && fault.usageHeader !== false) {
						faultHeaders = { ...this.exhaustedUsageHeaders(fault.code, fault.retryAfterMs ?? 1000), ...faultHeaders };
					}
					// "Without the usage header": the answer carries no usage headers at all.
					if (fault.usageHeader === false) headers = {};
					throw new MetaError({
						httpStatus: fault.httpStatus ?? defaults.httpStatus,
						code: fault.code,
						subcode: fault.subcode,
						message: fault.message ?? defaults.message,
						type: defaults.type,
						details: 'Injected by the simulator',
						headers: faultHeaders,
					});
				}
				if (fault.kind === 'reset') {
					state.counters.resets++;
					logEntry.status = 0;
					req.socket.destroy();
					return;
				}
				if (fault.kind === 'stall') {
					state.counters.stalls++;
					logEntry.status = 0;
					this.later(fault.ms ?? state.options.stallMs, () => req.socket.destroy());
					return;
				}
			}

			const response = await route.handler(simRequest, params, state);
			logEntry.status = response.status;

			if (fault?.kind === 'resetAfterRecord') {
				state.counters.resets++;
				logEntry.status = 0;
				req.socket.destroy();
				return;
			}
			const allHeaders = { ...headers, ...(response.headers ?? {}) };
			if (fault?.kind === 'stallAfterRecord') {
				state.counters.stalls++;
				this.later(fault.ms ?? state.options.stallMs, () => this.send(res, response.status, response.body, allHeaders));
				return;
			}
			this.respondAfterLatency(res, response.status, response.body, allHeaders);
		} catch (error) {
			if (error instanceof MetaError) {
				fail(error);
				return;
			}
			fail(new MetaError({ httpStatus: 500, code: 1, message: 'An unknown error occurred', details: error instanceof Error ? error.message : String(error) }));
		}
	}

	private pickFault(method: string, segments: string[], req: SimRequest): FaultAction | null {
		let recipient: string | undefined;
		if (this.state.faults.needsRecipient && method === 'POST') {
			try {
				const body = req.json() as { to?: unknown; recipient?: unknown };
				const given = body && typeof body === 'object' ? (body.to ?? body.recipient) : undefined;
				if (typeof given === 'string') recipient = recipientKey(given);
			} catch {
				recipient = undefined;
			}
		}
		const query = [...req.query].map(([name, value]) => `${name}=${value}`).join('&');
		return this.state.faults.pick({ method, path: '/' + segments.join('/'), recipient, query }, this.state.options, this.state.random);
	}

	private authenticate(mode: 'bearer' | 'app' | 'none', token: string | undefined): void {
		if (mode === 'none') return;
		const fixture = this.state.fixture;
		if (!token) {
			throw new MetaError({ httpStatus: 401, code: 190, message: 'An access token is required to request this resource.' });
		}
		if (mode === 'app') {
			if (token === `${fixture.appId}|${fixture.appSecret}`) return;
			throw new MetaError({ httpStatus: 401, code: 190, message: 'Invalid OAuth access token - Cannot parse access token' });
		}
		if (token === fixture.accessToken || token === `${fixture.appId}|${fixture.appSecret}`) return;
		if (token === fixture.expiredAccessToken) {
			throw new MetaError({
				httpStatus: 401,
				code: 190,
				subcode: 463,
				message: 'Error validating access token: Session has expired on Tuesday, 01-Sep-26 10:00:00 PDT.',
			});
		}
		// A valid token without access to the WABA: each route answers with Meta's permission error.
		if (token === fixture.noAccessToken) return;
		throw new MetaError({ httpStatus: 401, code: 190, message: 'Invalid OAuth access token - Cannot parse access token' });
	}

	/**
	 * Counts a call against the app rate and its family's rolling window (management calls have their own, much
	 * smaller one); throws 4 or 80007 with the usage headers when spent, else returns the headers of a success.
	 */
	private charge(now: number, management: boolean): Record<string, string> {
		const state = this.state;
		if (!state.tryAppRate(now)) {
			const status = state.throttleStatus();
			throw new MetaError({ httpStatus: status, code: 4, message: '(#4) Application request limit reached', details: 'Too many calls from this app', headers: this.usageHeaders(now, 0, management) });
		}
		if (!(management ? state.tryManagement(now) : state.tryBudget(now))) {
			const wait = management ? state.managementMsUntilFree(now) : state.budgetMsUntilFree(now);
			throw new MetaError({
				httpStatus: state.throttleStatus(),
				code: 80007,
				message: '(#80007) Rate limit issues',
				details: 'The WhatsApp Business Account has reached its rate limit',
				headers: this.usageHeaders(now, wait, management),
			});
		}
		return this.usageHeaders(now, 0, management);
	}

	/** X-App-Usage and X-Business-Use-Case-Usage for the current window of the call's family. */
	usageHeaders(now: number, waitMs: number, management = false): Record<string, string> {
		const state = this.state;
		const budget = management ? state.managementLimit() : state.budgetLimit();
		const used = management ? state.managementUsed(now) : state.budgetUsed(now);
		const windowMs = management ? state.options.managementWindowMs : state.options.budgetWindowMs;
		const callCount = waitMs > 0 ? 100 : Math.min(100, Math.floor((used / budget) * 100));
		const timePercent = Math.floor(callCount / 2);
		const appPercent = state.appUsagePercent(now);
		return {
			'X-App-Usage': `{"call_count":${appPercent},"total_cputime":${Math.floor(appPercent / 2)},"total_time":${Math.floor(appPercent / 2)}}`,
			'X-Business-Use-Case-Usage': JSON.stringify({
				[state.fixture.wabaId]: [
					{
						type: 'whatsapp_business_management',
						call_count: callCount,
						total_cputime: timePercent,
						total_time: timePercent,
						estimated_time_to_regain_access: regainAccessMinutes(waitMs, windowMs),
					},
				],
			}),
		};
	}

	/** Usage headers of a scripted 80007 (WABA budget spent) or 4 (app rate spent), with an exact fractional wait. */
	private exhaustedUsageHeaders(code: number, waitMs: number): Record<string, string> {
		const minutes = Math.round((waitMs / 60_000) * 1e6) / 1e6;
		if (code === 4) return { 'X-App-Usage': '{"call_count":100,"total_cputime":50,"total_time":50}' };
		return {
			'X-App-Usage': '{"call_count":0,"total_cputime":0,"total_time":0}',
			'X-Business-Use-Case-Usage': JSON.stringify({
				[this.state.fixture.wabaId]: [
					{ type: 'whatsapp_business_management', call_count: 100, total_cputime: 50, total_time: 50, estimated_time_to_regain_access: minutes },
				],
			}),
		};
	}

	private respondAfterLatency(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
		const delay = this.state.latency(this.state.random());
		if (delay <= 0) {
			this.send(res, status, body, headers);
			return;
		}
		this.later(delay, () => this.send(res, status, body, headers));
	}

	private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
		if (res.writableEnded || res.destroyed) return;
		let payload: Buffer | string;
		if (Buffer.isBuffer(body)) {
			payload = body;
			if (!headers['Content-Type'] && !headers['content-type']) headers['Content-Type'] = 'application/octet-stream';
		} else {
			payload = body === undefined ? '' : metaJson(body);
			headers['Content-Type'] = headers['Content-Type'] ?? 'application/json; charset=UTF-8';
		}
		headers['Content-Length'] = String(Buffer.byteLength(payload));
		res.writeHead(status, headers);
		res.end(payload);
	}
}

/**
 * Meta's management calls: the WABA node and its edges (`/{waba}`, `/message_templates`, `/phone_numbers`,
 * `/subscribed_apps`, analytics…), its templates (`/{template-id}`, the Template API of the WhatsApp Business
 * Account reference), the Template Library and its flows (`/{flow-id}` and edges), capped per app per WABA per rolling hour apart from messaging.
 * https://developers.facebook.com/docs/graph-api/overview/rate-limiting/ (WhatsApp Business Management API)
 */
export function isManagementCall(segments: string[], fixture: Pick<Fixture, 'wabaId' | 'templates'>): boolean {
	if (segments[0] === fixture.wabaId || segments[0] === 'message_template_library') return true;
	return fixture.templates.some((template) => template.id === segments[0]) || isFlowId(fixture, segments[0]);
}

function hasRandomFaults(state: SimState): boolean {
	const o = state.options;
	return o.errorRatio5xx > 0 || o.resetBeforeRecordRatio > 0 || o.resetAfterRecordRatio > 0 || o.stallRatio > 0;
}

function withoutAuthorization(headers: http.IncomingHttpHeaders): Record<string, string | string[] | undefined> {
	const copy: Record<string, string | string[] | undefined> = {};
	for (const key of Object.keys(headers)) {
		if (key !== 'authorization') copy[key] = headers[key];
	}
	return copy;
}

/**
 * Graph also takes the token as an `access_token` form field, as the Subscriptions edge's sample does:
 * https://developers.facebook.com/docs/graph-api/webhooks/subscriptions-edge
 */
function formAccessToken(req: SimRequest): string | undefined {
	if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(String(req.headers['content-type'] ?? ''))) return undefined;
	try {
		const token = (req.json() as Record<string, unknown>).access_token;
		return typeof token === 'string' && token !== '' ? token : undefined;
	} catch {
		return undefined;
	}
}

/** Route helper: matches `pattern` like `:phoneNumberId/messages` against the segments after the version. */
export function pathRoute(pattern: string): (segments: string[]) => Record<string, string> | null {
	const parts = pattern.split('/').filter((p) => p.length > 0);
	return (segments) => {
		if (segments.length !== parts.length) return null;
		const params: Record<string, string> = {};
		for (let i = 0; i < parts.length; i++) {
			const part = parts[i];
			if (part.startsWith(':')) params[part.slice(1)] = segments[i];
			else if (part !== segments[i]) return null;
		}
		return params;
	};
}
