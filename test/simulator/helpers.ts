/** Test helpers: real HTTP calls against a running simulator. */
import type { Simulator } from './index';

export interface HttpResult {
	status: number;
	headers: Headers;
	body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
	text: string;
}

export async function call(
	sim: Simulator,
	method: string,
	path: string,
	body?: unknown,
	token: string | null = sim.fixture.accessToken,
	extraHeaders: Record<string, string> = {},
): Promise<HttpResult> {
	const headers: Record<string, string> = { ...extraHeaders };
	if (token !== null) headers.Authorization = `Bearer ${token}`;
	if (body !== undefined && !headers['Content-Type']) headers['Content-Type'] = 'application/json';
	const response = await fetch(`${sim.url}${path}`, {
		method,
		headers,
		body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
	});
	const text = await response.text();
	let parsed: unknown = text;
	try {
		parsed = JSON.parse(text);
	} catch {
		// not JSON
	}
	return { status: response.status, headers: response.headers, body: parsed, text };
}

export const PHONE_STANDARD = '300000000000001';
export const PHONE_HIGH = '300000000000002';
export const PHONE_BUSINESS_APP = '300000000000003';

/** `POST /v26.0/{phone}/messages` with `message` merged over a minimal text message. */
export function send(sim: Simulator, message: Record<string, unknown>, phone = PHONE_STANDARD, version = 'v26.0'): Promise<HttpResult> {
	return call(sim, 'POST', `/${version}/${phone}/messages`, { messaging_product: 'whatsapp', recipient_type: 'individual', to: '+16505551234', ...message });
}

export function text(body = 'Hello', to = '+16505551234'): Record<string, unknown> {
	return { to, type: 'text', text: { body } };
}
