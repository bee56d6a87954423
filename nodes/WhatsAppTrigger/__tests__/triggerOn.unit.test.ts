/**
 * The webhook fields a user can pick in "Trigger On" beyond messages and statuses: each is offered, subscribed at
 * Meta when picked (and with "All Events"), and selects only its own events.
 */
import { createEventFilter, fieldsForSelection, splitIntoEvents, type WebhookBody } from '../../shared/webhook';
import { triggerOnOptions } from '../description';
import { ALL_SUBSCRIBABLE_FIELDS } from '../subscription';

const METADATA = { display_phone_number: '15550783881', phone_number_id: '106540352242922' };

function change(field: string, value: Record<string, unknown>): WebhookBody {
	return { object: 'whatsapp_business_account', entry: [{ id: '102290129340398', changes: [{ value, field }] }] } as WebhookBody;
}

describe('choosing these events in "Trigger On"', () => {
	const FIELDS = [
		'message_template_components_update',
		'user_preferences',
		'calls',
		'smb_message_echoes',
		'history',
		'group_lifecycle_update',
		'group_participants_update',
		'group_settings_update',
		'group_status_update',
	];

	it.each(FIELDS)('offers %s as a choice, subscribes it, and subscribes it with "All Events"', (field) => {
		expect(triggerOnOptions.map((option) => option.value)).toContain(`field:${field}`);
		expect(fieldsForSelection([`field:${field}`], ALL_SUBSCRIBABLE_FIELDS)).toEqual([field]);
		expect(fieldsForSelection(['all'], ALL_SUBSCRIBABLE_FIELDS)).toContain(field);
	});

	it('starts on a call only for the Call choice', () => {
		const [call] = splitIntoEvents(change('calls', { metadata: METADATA, calls: [{ id: 'wacid.1', event: 'connect', from: '1' }] }));
		expect(createEventFilter({ triggerOn: ['field:calls'] })(call)).toBe(true);
		expect(createEventFilter({ triggerOn: ['field:other'] })(call)).toBe(false);
		expect(createEventFilter({ triggerOn: ['messages'] })(call)).toBe(false);
	});

	it('keeps group updates under "Other Updates" for triggers made before they had a choice of their own', () => {
		const [group] = splitIntoEvents(change('group_status_update', { metadata: METADATA, groups: [{ group_id: 'G1' }] }));
		expect(createEventFilter({ triggerOn: ['field:other'] })(group)).toBe(true);
		expect(createEventFilter({ triggerOn: ['field:group_status_update'] })(group)).toBe(true);
		expect(createEventFilter({ triggerOn: ['field:group_lifecycle_update'] })(group)).toBe(false);
	});
});
