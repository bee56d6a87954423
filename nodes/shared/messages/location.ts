import { buildEnvelope, type EnvelopeParams } from './envelope';
import { numberInRange, optionalText } from './rules';
import type { LocationMessage, LocationObject } from './types';

export const MAX_LOCATION_TEXT = 1000;

export interface LocationParams extends EnvelopeParams {
	latitude: unknown;
	longitude: unknown;
	name?: unknown;
	address?: unknown;
}

/** The location object alone; also used by template location headers (`prefix` names the fields). */
export function buildLocationObject(params: Omit<LocationParams, 'to'>, prefix = ''): LocationObject {
	const location: LocationObject = {
		latitude: numberInRange(`${prefix}latitude`, params.latitude, -90, 90),
		longitude: numberInRange(`${prefix}longitude`, params.longitude, -180, 180),
	};
	const name = optionalText(`${prefix}name`, params.name, MAX_LOCATION_TEXT);
	const address = optionalText(`${prefix}address`, params.address, MAX_LOCATION_TEXT);
	if (name !== undefined) location.name = name;
	if (address !== undefined) location.address = address;
	return location;
}

export function buildLocation(params: LocationParams): LocationMessage {
	const envelope = buildEnvelope(params);
	return { ...envelope, type: 'location', location: buildLocationObject(params) };
}
