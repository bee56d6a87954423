import { buildEnvelope, type EnvelopeParams } from './envelope';
import { MAX_INTERACTIVE_BODY } from './interactive';
import { optionalText } from './rules';
import type { InteractiveCallPermissionRequest, InteractiveMessage } from './types';

export interface CallPermissionRequestParams extends EnvelopeParams {
	/** Optional, but Meta advises saying why you want to call. */
	body?: unknown;
}

/**
 * Asks the user for permission to call them; only the body can be set ("The call permission request interactive object
 * cannot be edited by the business"). https://developers.facebook.com/documentation/business-messaging/whatsapp/calling/user-call-permissions
 */
export function buildCallPermissionRequest(params: CallPermissionRequestParams): InteractiveMessage<InteractiveCallPermissionRequest> {
	const envelope = buildEnvelope(params);
	const text = optionalText('body', params.body, MAX_INTERACTIVE_BODY);
	const interactive: InteractiveCallPermissionRequest = { type: 'call_permission_request', action: { name: 'call_permission_request' } };
	if (text !== undefined) interactive.body = { text };
	return { ...envelope, type: 'interactive', interactive };
}
