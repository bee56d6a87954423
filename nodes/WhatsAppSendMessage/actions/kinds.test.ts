import { WhatsAppSendMessage } from '../WhatsAppSendMessage.node';
import { messageKinds } from './index';
import { FREE_FORM_KINDS, KINDS, MESSAGE_TYPES, SENDING_KINDS } from './kinds';

const properties = new WhatsAppSendMessage().description.properties;
/** The kinds a field shows for (of the field of that name shown for text messages: Mark as Read has its own Options). */
const shownFor = (name: string) =>
	(properties.map((property) => (property.name === name ? property.displayOptions?.show?.messageType : undefined)).find((kinds) => kinds?.includes('text')) ?? []) as string[];

test('one list of kinds: the Message Type options, the router, the sending and window kinds all come from it', () => {
	const options = (properties.find((property) => property.name === 'messageType')?.options ?? []) as Array<{ name: string; value: string; description: string }>;
	// Mark as Read is an operation of its own, no longer offered as a Message Type.
	expect(options.map((option) => option.value)).toEqual(SENDING_KINDS);
	expect(options.map((option) => option.name)).toEqual(SENDING_KINDS.map((type) => KINDS[type].name));
	for (const type of MESSAGE_TYPES) expect(messageKinds[type]).toBeDefined();
	expect(SENDING_KINDS).toEqual(MESSAGE_TYPES.filter((type) => type !== 'markAsRead'));
	expect(FREE_FORM_KINDS).toEqual(SENDING_KINDS.filter((type) => type !== 'template'));
	// The recipient and the options show for every kind that sends; the window notice for every kind the window binds.
	expect(shownFor('recipient')).toEqual(SENDING_KINDS);
	expect(shownFor('sendOptions')).toEqual(SENDING_KINDS);
	expect(shownFor('windowNotice')).toEqual(FREE_FORM_KINDS);
});
