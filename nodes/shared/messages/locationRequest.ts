import { buildEnvelope, type EnvelopeParams } from './envelope';
import { buildBody } from './interactive';
import type { InteractiveLocationRequest, InteractiveMessage } from './types';

export interface LocationRequestParams extends EnvelopeParams {
	body: unknown;
}

/** A text with a "Send location" button; the user's location comes back as a location message. */
export function buildLocationRequest(params: LocationRequestParams): InteractiveMessage<InteractiveLocationRequest> {
	const envelope = buildEnvelope(params);
	return {
		...envelope,
		type: 'interactive',
		interactive: { type: 'location_request_message', body: buildBody(params.body), action: { name: 'send_location' } },
	};
}
