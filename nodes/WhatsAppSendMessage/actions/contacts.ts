import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildContacts, type ContactParams } from '../../shared/messages';
import { collectionList, param, readEnvelope, show } from './common';
import type { MessageKindModule, PreparedMessage } from './types';

const text = (displayName: string, name: string, extra: Partial<INodeProperties> = {}): INodeProperties => ({
	displayName,
	name,
	type: 'string',
	default: '',
	...extra,
});

/** A contact entry's label: free text (Meta takes any), with Meta's standard values as the hint. */
const typeField = (defaultValue: string, standard: string): INodeProperties =>
	text('Type', 'type', {
		default: defaultValue,
		placeholder: `e.g. ${defaultValue}`,
		hint: `Any label, sent as written; Meta's standard ones are ${standard}`,
	});

export const description: INodeProperties[] = [
	{
		displayName: 'Contacts',
		name: 'contacts',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add contact',
		default: { contact: [{ formattedName: '' }] },
		required: true,
		description: 'The contact cards to send; the recipient can save them or start a chat',
		displayOptions: show('contacts'),
		options: [
			{
				displayName: 'Contact',
				name: 'contact',
				values: [
					text('Full Name', 'formattedName', { required: true, placeholder: 'e.g. Jane Doe', description: 'The name shown on the card' }),
					{
						displayName: 'Name Details',
						name: 'nameDetails',
						type: 'collection',
						placeholder: 'Add name part',
						default: {},
						description: 'Optional parts of the name, saved in the right fields when the recipient adds the contact',
						options: [
							text('First Name', 'firstName'),
							text('Last Name', 'lastName'),
							text('Middle Name', 'middleName'),
							text('Name Prefix', 'prefix', { placeholder: 'e.g. Dr.' }),
							text('Name Suffix', 'suffix', { placeholder: 'e.g. Jr.' }),
						],
					},
					text('Birthday', 'birthday', { placeholder: 'YYYY-MM-DD', description: 'Written YYYY-MM-DD, e.g. 1990-07-31' }),
					text('Company', 'company'),
					text('Department', 'department'),
					text('Job Title', 'title'),
					{
						displayName: 'Phones',
						name: 'phones',
						type: 'fixedCollection',
						typeOptions: { multipleValues: true },
						placeholder: 'Add phone',
						default: {},
						options: [
							{
								displayName: 'Phone',
								name: 'phone',
								values: [
									text('Number', 'phone', { placeholder: 'e.g. +1 650 555 1234' }),
									typeField('CELL', 'CELL, MAIN, IPHONE, HOME, WORK'),
									text('WhatsApp ID', 'waId', { description: 'Adds a "Message" button on the card; usually the number in digits' }),
								],
							},
						],
					},
					{
						displayName: 'Emails',
						name: 'emails',
						type: 'fixedCollection',
						typeOptions: { multipleValues: true },
						placeholder: 'Add email',
						default: {},
						options: [
							{
								displayName: 'Email',
								name: 'email',
								values: [
									text('Email', 'email', { placeholder: 'e.g. name@email.com' }),
									typeField('WORK', 'HOME, WORK'),
								],
							},
						],
					},
					{
						displayName: 'Addresses',
						name: 'addresses',
						type: 'fixedCollection',
						typeOptions: { multipleValues: true },
						placeholder: 'Add address',
						default: {},
						options: [
							{
								displayName: 'Address',
								name: 'address',
								values: [
									text('Street', 'street'),
									text('City', 'city'),
									text('State', 'state'),
									text('ZIP Code', 'zip'),
									text('Country', 'country'),
									text('Country Code', 'countryCode', { placeholder: 'e.g. US', description: 'Two letters (ISO 3166-1 alpha-2)' }),
									typeField('HOME', 'HOME, WORK'),
								],
							},
						],
					},
					{
						displayName: 'Websites',
						name: 'urls',
						type: 'fixedCollection',
						typeOptions: { multipleValues: true },
						placeholder: 'Add website',
						default: {},
						options: [
							{
								displayName: 'Website',
								name: 'url',
								values: [
									text('URL', 'url', { placeholder: 'e.g. https://example.com' }),
									typeField('WORK', 'HOME, WORK'),
								],
							},
						],
					},
				],
			},
		],
	},
];

export async function read(context: IExecuteFunctions, itemIndex: number): Promise<PreparedMessage> {
	const contacts = collectionList(param(context, 'contacts', itemIndex, {}), 'contact').map(
		({ nameDetails, ...contact }: IDataObject): ContactParams => ({
			...contact,
			// Name parts sit in the "Name Details" collection; a workflow saved with them beside Full Name still works.
			...(nameDetails && typeof nameDetails === 'object' ? (nameDetails as IDataObject) : {}),
			formattedName: contact.formattedName,
			phones: collectionList(contact.phones, 'phone'),
			emails: collectionList(contact.emails, 'email'),
			addresses: collectionList(contact.addresses, 'address'),
			urls: collectionList(contact.urls, 'url'),
		}),
	);
	return { body: buildContacts({ ...readEnvelope(context, itemIndex), contacts }) };
}

export const labels = {
	contacts: 'Contacts',
	formattedName: 'Full Name',
	firstName: 'Name Details › First Name',
	lastName: 'Name Details › Last Name',
	middleName: 'Name Details › Middle Name',
	prefix: 'Name Details › Name Prefix',
	suffix: 'Name Details › Name Suffix',
	birthday: 'Birthday',
	company: 'Company',
	department: 'Department',
	title: 'Job Title',
	phones: 'Phones',
	phone: 'Number',
	waId: 'WhatsApp ID',
	emails: 'Emails',
	email: 'Email',
	addresses: 'Addresses',
	street: 'Street',
	city: 'City',
	state: 'State',
	zip: 'ZIP Code',
	country: 'Country',
	countryCode: 'Country Code',
	urls: 'Websites',
	url: 'URL',
	type: 'Type',
};

export const module: MessageKindModule = { description, read, labels };
