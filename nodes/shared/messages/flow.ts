import { buildEnvelope, type EnvelopeParams } from './envelope';
import { MessageValidationError } from './errors';
import { buildBody, buildFooter, MAX_HEADER_TEXT } from './interactive';
import { isPlainObject, oneOf, optionalText, parseJsonOrUndefined, requiredId, requiredText } from './rules';
import type { FlowParameters, InteractiveFlow, InteractiveMessage } from './types';

/** Meta advises at most 30 characters, no emoji: https://developers.facebook.com/documentation/business-messaging/whatsapp/flows/guides/sendingaflow/ */
export const MAX_FLOW_CTA = 30;

export interface FlowParams extends EnvelopeParams {
	headerText?: unknown;
	body: unknown;
	footer?: unknown;
	/** Exactly one of flowId or flowName. */
	flowId?: unknown;
	flowName?: unknown;
	/** Identifies this flow session in your endpoint's data_exchange calls and the nfm_reply. */
	flowToken?: unknown;
	/** The button label. */
	flowCta: unknown;
	mode?: unknown;
	flowAction?: unknown;
	/** Navigate only: the first screen and its initial data. */
	screen?: unknown;
	data?: unknown;
}

/** A WhatsApp Flow (a form in the chat) opened by a button. */
export function buildFlow(params: FlowParams): InteractiveMessage<InteractiveFlow> {
	const envelope = buildEnvelope(params);
	const headerText = optionalText('headerText', params.headerText, MAX_HEADER_TEXT);
	const body = buildBody(params.body);
	const footer = buildFooter(params.footer);
	const flowId = optionalText('flowId', params.flowId);
	const flowName = optionalText('flowName', params.flowName);
	if (flowId !== undefined && flowName !== undefined) {
		throw new MessageValidationError('flowId', 'give either a flow ID or a flow name, not both');
	}
	if (flowId === undefined && flowName === undefined) {
		throw new MessageValidationError('flowId', 'is required: give the flow ID (or its name)');
	}
	const parameters: FlowParameters = {
		flow_message_version: '3',
		flow_cta: requiredText('flowCta', params.flowCta, MAX_FLOW_CTA),
	};
	if (flowId !== undefined) {
		if (!/^[0-9]{1,30}$/.test(flowId.trim())) throw new MessageValidationError('flowId', `"${flowId.slice(0, 40)}" is not a flow ID (digits only)`);
		parameters.flow_id = flowId.trim();
	} else {
		parameters.flow_name = requiredId('flowName', flowName, 200);
	}
	const flowToken = optionalText('flowToken', params.flowToken, 1000);
	if (flowToken !== undefined) parameters.flow_token = flowToken;
	const mode = optionalText('mode', params.mode);
	if (mode !== undefined) parameters.mode = oneOf('mode', mode, ['published', 'draft'] as const);
	const flowAction = oneOf('flowAction', optionalText('flowAction', params.flowAction) ?? 'navigate', ['navigate', 'data_exchange'] as const);
	parameters.flow_action = flowAction;
	const screen = optionalText('screen', params.screen, 200);
	let data: Record<string, unknown> | undefined;
	if (params.data !== undefined && params.data !== null && params.data !== '') {
		const parsed = typeof params.data === 'string' ? parseJson('data', params.data) : params.data;
		if (!isPlainObject(parsed)) throw new MessageValidationError('data', 'must be a JSON object, e.g. {"product": "shoes"}');
		if (Object.keys(parsed).length > 0) data = parsed;
	}
	if (flowAction === 'data_exchange') {
		if (screen !== undefined) throw new MessageValidationError('screen', 'is only used with the "navigate" flow action; your endpoint picks the screen with "data_exchange"');
		if (data !== undefined) throw new MessageValidationError('data', 'is only used with the "navigate" flow action');
	} else if (screen !== undefined) {
		if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(screen.trim())) {
			throw new MessageValidationError('screen', `"${screen.slice(0, 40)}" is not a screen ID (letters, digits and underscores, e.g. WELCOME_SCREEN)`);
		}
		parameters.flow_action_payload = data === undefined ? { screen: screen.trim() } : { screen: screen.trim(), data };
	} else if (data !== undefined) {
		throw new MessageValidationError('screen', 'is required when initial data is given: name the screen that receives it');
	}
	const interactive: InteractiveFlow = { type: 'flow', body, action: { name: 'flow', parameters } };
	if (headerText !== undefined) interactive.header = { type: 'text', text: headerText };
	if (footer) interactive.footer = footer;
	return { ...envelope, type: 'interactive', interactive };
}

function parseJson(field: string, text: string): unknown {
	const parsed = parseJsonOrUndefined(text);
	if (!parsed) throw new MessageValidationError(field, 'is not valid JSON');
	return parsed.value;
}
