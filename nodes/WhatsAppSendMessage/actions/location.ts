import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildLocation } from '../../shared/messages';
import { param, readEnvelope, show } from './common';
import type { MessageKindModule, PreparedMessage } from './types';

export const description: INodeProperties[] = [
	{
		displayName: 'Latitude',
		name: 'latitude',
		type: 'number',
		typeOptions: { minValue: -90, maxValue: 90, numberPrecision: 7 },
		default: 0,
		required: true,
		description: 'From -90 to 90, e.g. 37.4847',
		displayOptions: show('location'),
	},
	{
		displayName: 'Longitude',
		name: 'longitude',
		type: 'number',
		typeOptions: { minValue: -180, maxValue: 180, numberPrecision: 7 },
		default: 0,
		required: true,
		description: 'From -180 to 180, e.g. -122.1483',
		displayOptions: show('location'),
	},
	{
		displayName: 'Location Details',
		name: 'locationDetails',
		type: 'collection',
		placeholder: 'Add detail',
		default: {},
		displayOptions: show('location'),
		options: [
			{ displayName: 'Name', name: 'name', type: 'string', default: '', placeholder: 'e.g. Philz Coffee' },
			{ displayName: 'Address', name: 'address', type: 'string', default: '', placeholder: 'e.g. 101 Forest Ave, Palo Alto, CA 94301' },
		],
	},
];

export async function read(context: IExecuteFunctions, itemIndex: number): Promise<PreparedMessage> {
	const details = param<IDataObject>(context, 'locationDetails', itemIndex, {});
	return {
		body: buildLocation({
			...readEnvelope(context, itemIndex),
			latitude: param(context, 'latitude', itemIndex),
			longitude: param(context, 'longitude', itemIndex),
			name: details.name,
			address: details.address,
		}),
	};
}

export const labels = {
	latitude: 'Latitude',
	longitude: 'Longitude',
	name: 'Location Details › Name',
	address: 'Location Details › Address',
};

export const module: MessageKindModule = { description, read, labels };
