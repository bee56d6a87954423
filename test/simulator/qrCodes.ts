/**
 * QR codes and short links as Meta plays them: `POST /{phone-number-id}/message_qrdls` (create; with `code`, update),
 * `GET /{phone-number-id}/message_qrdls[/{code}]`, `DELETE /{phone-number-id}/message_qrdls/{code}`, and the image
 * behind `qr_image_url` (SVG or PNG). Shapes and rules: the QR codes guide (140-character prefilled message, 2,000
 * codes per number) https://developers.facebook.com/documentation/business-messaging/whatsapp/qr-codes and the OpenAPI
 * spec (14-character codes, `fields=…qr_image_url.format(SVG|PNG)`), business-messaging-api_v23.0.yaml.
 */
import type { Route, SimContext, SimRequest, SimResponse } from './types';
import { MetaError } from './types';
import { bodyParams, invalidParameter, moduleState, pageOf, requestedFields, requirePhoneNumber } from './surfaces';

export const MAX_PREFILLED_MESSAGE = 140;
export const MAX_CODES_PER_NUMBER = 2000;
const FORMATS = ['SVG', 'PNG'];
/** A 1×1 PNG: enough for a client to see PNG bytes. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

interface QrCode {
	code: string;
	prefilled_message: string;
	deep_link_url: string;
}

function codesOf(sim: SimContext, phoneNumberId: string): QrCode[] {
	const numbers = moduleState(sim, 'qrCodes', () => new Map<string, QrCode[]>());
	let codes = numbers.get(phoneNumberId);
	if (!codes) numbers.set(phoneNumberId, (codes = []));
	return codes;
}

/** Meta's codes: 14 upper-case letters and digits. */
function newCode(sim: SimContext): string {
	const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
	let code = '';
	for (let i = 0; i < 14; i++) code += chars[Math.floor(sim.random() * chars.length)];
	return code;
}

function imageUrl(sim: SimContext, code: string, format: string): string {
	return `${sim.url}/qr_images/${code}.${format.toLowerCase()}`;
}

function prefilledMessageOf(value: unknown): string {
	if (typeof value !== 'string' || value.trim() === '') throw invalidParameter('Param prefilled_message must be a non-empty string', '(#100) The parameter prefilled_message is required.');
	if ([...value].length > MAX_PREFILLED_MESSAGE) throw invalidParameter(`Invalid prefilled_message length. Maximum ${MAX_PREFILLED_MESSAGE} characters allowed`);
	return value;
}

function notFound(code: string): MetaError {
	return invalidParameter(`No QR code ${code} on this phone number`);
}

function createOrUpdate(req: SimRequest, params: Record<string, string>, sim: SimContext): SimResponse {
	const number = requirePhoneNumber(req, params.phoneNumberId, sim);
	const input = bodyParams(req);
	const codes = codesOf(sim, number.id);
	const prefilled = prefilledMessageOf(input.prefilled_message);
	const format = input.generate_qr_image === undefined ? undefined : String(input.generate_qr_image).toUpperCase();
	if (format !== undefined && !FORMATS.includes(format)) throw invalidParameter(`Param generate_qr_image must be one of {SVG, PNG} - got "${String(input.generate_qr_image)}"`);
	let qr: QrCode;
	if (input.code !== undefined) {
		const found = codes.find((candidate) => candidate.code === String(input.code));
		if (!found) throw notFound(String(input.code));
		found.prefilled_message = prefilled;
		qr = found;
	} else {
		if (codes.length >= MAX_CODES_PER_NUMBER) throw invalidParameter(`A phone number can have at most ${MAX_CODES_PER_NUMBER} QR codes and short links`);
		const code = newCode(sim);
		qr = { code, prefilled_message: prefilled, deep_link_url: `https://wa.me/message/${code}` };
		codes.unshift(qr);
	}
	return { status: 200, body: format ? { ...qr, qr_image_url: imageUrl(sim, qr.code, format) } : { ...qr } };
}

/** `fields=code,…,qr_image_url.format(SVG)`: the listed fields, and the image URL in the asked format. */
function withFields(req: SimRequest, sim: SimContext, qr: QrCode): Record<string, unknown> {
	const fields = requestedFields(req);
	if (!fields) return { ...qr };
	const out: Record<string, unknown> = { code: qr.code, prefilled_message: qr.prefilled_message, deep_link_url: qr.deep_link_url };
	for (const field of fields) {
		const image = /^qr_image_url(?:\.format\((\w+)\))?$/.exec(field);
		if (image) {
			const format = (image[1] ?? 'PNG').toUpperCase();
			if (!FORMATS.includes(format)) throw invalidParameter('Invalid fields parameter. Check field names and format specifications');
			out.qr_image_url = imageUrl(sim, qr.code, format);
		} else if (!['code', 'prefilled_message', 'deep_link_url'].includes(field)) {
			throw invalidParameter('Invalid fields parameter. Check field names and format specifications');
		}
	}
	return out;
}

function list(req: SimRequest, params: Record<string, string>, sim: SimContext): SimResponse {
	const number = requirePhoneNumber(req, params.phoneNumberId, sim);
	const filter = req.query.get('code');
	const codes = codesOf(sim, number.id).filter((qr) => !filter || qr.code === filter);
	const page = pageOf(req, sim, codes, 25);
	const data = page.data.map((qr) => withFields(req, sim, qr));
	return { status: 200, body: page.paging ? { data, paging: page.paging } : { data } };
}

function getOne(req: SimRequest, params: Record<string, string>, sim: SimContext): SimResponse {
	const number = requirePhoneNumber(req, params.phoneNumberId, sim);
	const qr = codesOf(sim, number.id).find((candidate) => candidate.code === params.code);
	if (!qr) throw notFound(params.code);
	return { status: 200, body: { data: [withFields(req, sim, qr)] } };
}

function remove(req: SimRequest, params: Record<string, string>, sim: SimContext): SimResponse {
	const number = requirePhoneNumber(req, params.phoneNumberId, sim);
	const codes = codesOf(sim, number.id);
	const at = codes.findIndex((candidate) => candidate.code === params.code);
	if (at === -1) throw notFound(params.code);
	codes.splice(at, 1);
	return { status: 200, body: { success: true } };
}

/** The image at `qr_image_url` (a CDN URL on Meta, public): an SVG or PNG that encodes the short link. */
function image(_req: SimRequest, params: Record<string, string>, sim: SimContext): SimResponse {
	const [code, extension] = params.file.split('.');
	const known = [...(moduleState(sim, 'qrCodes', () => new Map<string, QrCode[]>()).values())].flat().find((qr) => qr.code === code);
	if (!known || !['svg', 'png'].includes(extension)) return { status: 404, body: Buffer.from('Not found'), headers: { 'Content-Type': 'text/plain' } };
	if (extension === 'png') return { status: 200, body: PNG, headers: { 'Content-Type': 'image/png' } };
	const svg = `<?xml version="1.0" encoding="UTF-8"?><svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><title>${known.deep_link_url}</title><rect width="100" height="100"/></svg>`;
	return { status: 200, body: Buffer.from(svg), headers: { 'Content-Type': 'image/svg+xml' } };
}

const edge = (segments: string[]) => (segments.length === 2 && segments[1] === 'message_qrdls' ? { phoneNumberId: segments[0] } : null);
const one = (segments: string[]) => (segments.length === 3 && segments[1] === 'message_qrdls' ? { phoneNumberId: segments[0], code: segments[2] } : null);

export const qrCodeRoutes: Route[] = [
	{ method: 'POST', match: edge, handler: createOrUpdate },
	{ method: 'GET', match: edge, handler: list },
	{ method: 'GET', match: one, handler: getOne },
	{ method: 'DELETE', match: one, handler: remove },
	{
		method: 'GET',
		match: (segments) => (segments.length === 2 && segments[0] === 'qr_images' ? { file: segments[1] } : null),
		handler: image,
		auth: 'none',
		countsAgainstBudget: false,
	},
];
