/**
 * WhatsApp Flows as Meta plays them: `GET`/`POST /{waba}/flows`, `GET`/`POST`/`DELETE /{flow-id}` (with
 * `fields=preview.invalidate(…)` for the preview URL), `GET`/`POST /{flow-id}/assets` (the Flow JSON),
 * `POST /{flow-id}/publish` and `/deprecate`. Shapes: Meta's OpenAPI spec (business-messaging-api_v23.0.yaml, Flows);
 * lifecycle and error codes (100, 139001–139004): https://developers.facebook.com/docs/whatsapp/flows/reference/error-codes
 */
import type { Fixture, MultipartFile, Route, SimContext, SimRequest, SimResponse } from './types';
import { MetaError } from './types';
import { bodyParams, invalidParameter, listParam, moduleState, pageOf, requestedFields, requireWaba, unknownObjectError } from './surfaces';

/** The categories Meta takes (Flows API, Create). */
export const FLOW_CATEGORIES = ['SIGN_UP', 'SIGN_IN', 'APPOINTMENT_BOOKING', 'LEAD_GENERATION', 'CONTACT_US', 'CUSTOMER_SUPPORT', 'SURVEY', 'OTHER'];

interface ValidationError {
	error: string;
	error_type: string;
	message: string;
	line_start?: number;
	line_end?: number;
	column_start?: number;
	column_end?: number;
}

interface Flow {
	id: string;
	name: string;
	categories: string[];
	status: 'DRAFT' | 'PUBLISHED' | 'DEPRECATED';
	validation_errors: ValidationError[];
	endpoint_uri?: string;
	json?: string;
	json_version?: string;
	preview?: { preview_url: string; expires_at: string };
}

let lastFlowId = 8_800_000_000_000_000;
let previewTokens = 0;

/** Flow IDs per fixture, so the server can count flow calls in the management budget. */
const flowIds = new WeakMap<object, Set<string>>();

export function isFlowId(fixture: Pick<Fixture, 'wabaId'> & object, id: string): boolean {
	return flowIds.get(fixture)?.has(id) ?? false;
}

function flowsOf(sim: SimContext): Map<string, Flow> {
	return moduleState(sim, 'flows', () => {
		flowIds.set(sim.fixture, new Set());
		return new Map<string, Flow>();
	});
}

function err(code: number, message: string, details: string): MetaError {
	return new MetaError({ httpStatus: 400, code, message: `(#${code}) ${message}`, details });
}

/** Meta's check of a Flow JSON: JSON, with a `version` and `screens` (Flow JSON reference, top-level properties). */
function validate(json: string): { errors: ValidationError[]; version?: string } {
	let parsed: unknown;
	try {
		parsed = JSON.parse(json);
	} catch (error) {
		return { errors: [{ error: 'INVALID_JSON', error_type: 'JSON_SCHEMA_ERROR', message: `The Flow JSON is not valid JSON: ${(error as Error).message}`, line_start: 1, line_end: 1, column_start: 1, column_end: 1 }] };
	}
	const errors: ValidationError[] = [];
	const flow = (parsed ?? {}) as { version?: unknown; screens?: unknown };
	// Positioned like Meta's validation errors (OpenAPI "Upload Flow JSON Asset" example); the root is line 1.
	const missing = (property: string): ValidationError => ({ error: 'MISSING_REQUIRED_PROPERTY', error_type: 'JSON_SCHEMA_ERROR', message: `The property "${property}" is required at "$root".`, line_start: 1, line_end: 1, column_start: 1, column_end: 1 });
	if (typeof flow.version !== 'string') errors.push(missing('version'));
	if (!Array.isArray(flow.screens) || flow.screens.length === 0) errors.push(missing('screens'));
	return { errors, version: typeof flow.version === 'string' ? flow.version : undefined };
}

function categoriesOf(value: unknown): string[] {
	const categories = listParam(value);
	if (!categories || categories.length === 0) throw invalidParameter('Param categories is required: a list of flow categories');
	for (const category of categories) if (!FLOW_CATEGORIES.includes(category)) throw invalidParameter(`Param categories must be a list of {${FLOW_CATEGORIES.join(', ')}} - got "${category}"`);
	return categories;
}

function endpointOf(value: unknown): string | undefined {
	if (value === undefined || value === '') return undefined;
	const uri = String(value);
	if (!/^https:\/\/\S+$/i.test(uri)) throw err(100, 'Invalid parameter', 'Invalid Endpoint URI: provide a valid URL');
	return uri;
}

function listing(flow: Flow): Record<string, unknown> {
	return { id: flow.id, name: flow.name, status: flow.status, categories: flow.categories, validation_errors: flow.validation_errors };
}

function findFlow(sim: SimContext, id: string): Flow {
	const flow = flowsOf(sim).get(id);
	if (!flow) throw unknownObjectError(id);
	return flow;
}

function listFlows(req: SimRequest, params: Record<string, string>, sim: SimContext): SimResponse {
	requireWaba(req, params.wabaId, sim);
	const page = pageOf(req, sim, [...flowsOf(sim).values()].map(listing), 25);
	return { status: 200, body: page.paging ? { data: page.data, paging: page.paging } : { data: page.data } };
}

function createFlow(req: SimRequest, params: Record<string, string>, sim: SimContext): SimResponse {
	requireWaba(req, params.wabaId, sim);
	const input = bodyParams(req);
	const name = String(input.name ?? '').trim();
	if (name === '') throw invalidParameter('Param name is required');
	const flows = flowsOf(sim);
	if ([...flows.values()].some((flow) => flow.name === name)) throw err(100, 'Invalid parameter', 'Flow name is not unique');
	const categories = categoriesOf(input.categories);
	lastFlowId += 1;
	const id = String(lastFlowId);
	const flow: Flow = { id, name, categories, status: 'DRAFT', validation_errors: [], endpoint_uri: endpointOf(input.endpoint_uri) };
	if (input.clone_flow_id !== undefined) {
		const source = findFlow(sim, String(input.clone_flow_id));
		Object.assign(flow, { json: source.json, json_version: source.json_version, validation_errors: source.validation_errors });
	}
	if (input.flow_json !== undefined) {
		const json = typeof input.flow_json === 'string' ? input.flow_json : JSON.stringify(input.flow_json);
		const { errors, version } = validate(json);
		Object.assign(flow, { json, json_version: version, validation_errors: errors });
	}
	flows.set(id, flow);
	flowIds.get(sim.fixture)?.add(id);
	const body: Record<string, unknown> = { id };
	if (input.flow_json !== undefined) Object.assign(body, { success: true, validation_errors: flow.validation_errors });
	if (String(input.publish) === 'true') publish(flow);
	return { status: 200, body };
}

function publish(flow: Flow): void {
	if (flow.status !== 'DRAFT') throw err(139002, 'Publishing Flow in invalid state', 'Only a draft Flow can be published');
	if (flow.json === undefined || flow.validation_errors.length > 0) throw err(139002, 'Publishing Flow with validation errors', 'Upload a Flow JSON without validation errors first');
	flow.status = 'PUBLISHED';
}

const FLOW_FIELDS = ['id', 'name', 'categories', 'status', 'validation_errors', 'json_version', 'endpoint_uri', 'preview'];

/** `GET /{flow-id}`, or undefined when the ID is not a flow (the object route tries the others). */
export function getFlowObject(req: SimRequest, id: string, sim: SimContext): SimResponse | undefined {
	const flow = flowsOf(sim).get(id);
	if (!flow) return undefined;
	requireWaba(req, sim.fixture.wabaId, sim);
	const fields = requestedFields(req) ?? ['id', 'name', 'categories', 'status', 'validation_errors', 'json_version'];
	const out: Record<string, unknown> = {};
	for (const field of fields) {
		const preview = /^preview(?:\.invalidate\((true|false)\))?$/.exec(field);
		if (preview) {
			if (!flow.preview || preview[1] === 'true') {
				flow.preview = {
					preview_url: `https://business.facebook.com/wa/manage/flows/${flow.id}/preview/?token=${Buffer.from(`${flow.id}:${(previewTokens += 1)}`).toString('base64url')}`,
					expires_at: new Date(sim.now() + 30 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, '+0000'),
				};
			}
			out.preview = flow.preview;
		} else if (FLOW_FIELDS.includes(field)) {
			const value = (flow as unknown as Record<string, unknown>)[field];
			if (value !== undefined) out[field] = value;
		} else {
			throw invalidParameter(`Tried accessing nonexisting field (${field}) on node type (WhatsAppFlow)`, `(#100) Tried accessing nonexisting field (${field}) on node type (WhatsAppFlow)`);
		}
	}
	out.id = flow.id;
	return { status: 200, body: out };
}

/** `POST /{flow-id}`: the flow's name, categories or endpoint (a draft's only). */
export function updateFlowObject(req: SimRequest, id: string, sim: SimContext): SimResponse | undefined {
	const flow = flowsOf(sim).get(id);
	if (!flow) return undefined;
	requireWaba(req, sim.fixture.wabaId, sim);
	if (flow.status !== 'DRAFT') throw err(139001, 'Flow can\'t be updated', 'Once published, a Flow can no longer be updated: clone it');
	const input = bodyParams(req);
	if (input.name !== undefined) flow.name = String(input.name);
	if (input.categories !== undefined) flow.categories = categoriesOf(input.categories);
	if (input.endpoint_uri !== undefined) flow.endpoint_uri = endpointOf(input.endpoint_uri);
	return { status: 200, body: { success: true } };
}

/** `DELETE /{flow-id}`: drafts only (139004). */
export function deleteFlowObject(req: SimRequest, id: string, sim: SimContext): SimResponse | undefined {
	const flow = flowsOf(sim).get(id);
	if (!flow) return undefined;
	requireWaba(req, sim.fixture.wabaId, sim);
	if (flow.status !== 'DRAFT') throw err(139004, 'Can\'t delete published Flow', 'After a Flow has been published, it cannot be deleted. Please deprecate instead.');
	flowsOf(sim).delete(id);
	return { status: 200, body: { success: true } };
}

async function uploadAsset(req: SimRequest, params: Record<string, string>, sim: SimContext): Promise<SimResponse> {
	const flow = findFlow(sim, params.flowId);
	requireWaba(req, sim.fixture.wabaId, sim);
	const { fields, files } = await req.form();
	const file: MultipartFile | undefined = files.file;
	if (fields.asset_type !== 'FLOW_JSON') throw invalidParameter('Param asset_type must be FLOW_JSON');
	if (!file) throw invalidParameter('Param file is required: the Flow JSON as a file');
	if (flow.status !== 'DRAFT') throw err(139001, 'Flow can\'t be updated', 'Once published, a Flow can no longer be updated: clone it');
	const json = file.data.toString('utf8');
	const { errors, version } = validate(json);
	Object.assign(flow, { json, json_version: version, validation_errors: errors });
	return { status: 200, body: { success: true, validation_errors: errors } };
}

function listAssets(req: SimRequest, params: Record<string, string>, sim: SimContext): SimResponse {
	const flow = findFlow(sim, params.flowId);
	requireWaba(req, sim.fixture.wabaId, sim);
	const data = flow.json === undefined ? [] : [{ name: 'flow.json', asset_type: 'FLOW_JSON', download_url: `${sim.url}/flow_assets/${flow.id}/flow.json` }];
	return { status: 200, body: { data } };
}

function publishFlow(req: SimRequest, params: Record<string, string>, sim: SimContext): SimResponse {
	const flow = findFlow(sim, params.flowId);
	requireWaba(req, sim.fixture.wabaId, sim);
	publish(flow);
	return { status: 200, body: { success: true } };
}

function deprecateFlow(req: SimRequest, params: Record<string, string>, sim: SimContext): SimResponse {
	const flow = findFlow(sim, params.flowId);
	requireWaba(req, sim.fixture.wabaId, sim);
	if (flow.status === 'DEPRECATED') throw err(139003, 'Flow is already deprecated', 'The Flow is already marked as deprecated');
	if (flow.status !== 'PUBLISHED') throw err(139003, 'Can\'t deprecate unpublished flow', 'Only a published Flow can be deprecated; delete a draft instead');
	flow.status = 'DEPRECATED';
	return { status: 200, body: { success: true } };
}

const flowEdge = (edge: string) => (segments: string[]) => (segments.length === 2 && segments[1] === edge ? { flowId: segments[0] } : null);

export const flowRoutes: Route[] = [
	{ method: 'GET', match: (segments) => (segments.length === 2 && segments[1] === 'flows' ? { wabaId: segments[0] } : null), handler: listFlows },
	{ method: 'POST', match: (segments) => (segments.length === 2 && segments[1] === 'flows' ? { wabaId: segments[0] } : null), handler: createFlow },
	{ method: 'POST', match: flowEdge('assets'), handler: uploadAsset },
	{ method: 'GET', match: flowEdge('assets'), handler: listAssets },
	{ method: 'POST', match: flowEdge('publish'), handler: publishFlow },
	{ method: 'POST', match: flowEdge('deprecate'), handler: deprecateFlow },
];
