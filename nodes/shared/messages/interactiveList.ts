import { buildEnvelope, type EnvelopeParams } from './envelope';
import { MessageValidationError } from './errors';
import { buildBody, buildFooter, MAX_HEADER_TEXT, MAX_LIST_BODY } from './interactive';
import { isPlainObject, listOf, optionalText, requiredId, requiredText, requireUnique } from './rules';
import type { InteractiveList, InteractiveMessage, ListSection } from './types';

export const MAX_LIST_BUTTON = 20;
export const MAX_SECTIONS = 10;
export const MAX_ROWS = 10;
export const MAX_ROW_ID = 200;
export const MAX_ROW_TITLE = 24;
export const MAX_ROW_DESCRIPTION = 72;
export const MAX_SECTION_TITLE = 24;

export interface ListRowParams {
	id: unknown;
	title: unknown;
	description?: unknown;
}

export interface InteractiveListParams extends EnvelopeParams {
	/** Lists take a text header only. */
	headerText?: unknown;
	body: unknown;
	footer?: unknown;
	/** The label of the button that opens the list. */
	buttonText: unknown;
	sections: Array<{ title?: unknown; rows: ListRowParams[] }>;
}

/** A menu of up to 10 rows in up to 10 sections behind one button; the picked row comes back as a `list_reply`. */
export function buildInteractiveList(params: InteractiveListParams): InteractiveMessage<InteractiveList> {
	const envelope = buildEnvelope(params);
	const headerText = optionalText('headerText', params.headerText, MAX_HEADER_TEXT);
	const body = buildBody(params.body, MAX_LIST_BODY);
	const footer = buildFooter(params.footer);
	const button = requiredText('buttonText', params.buttonText, MAX_LIST_BUTTON);
	const given = listOf<Record<string, unknown>>('sections', params.sections);
	if (given.length === 0) throw new MessageValidationError('sections', 'add at least one section with at least one row');
	if (given.length > MAX_SECTIONS) {
		throw new MessageValidationError('sections', `has ${given.length} sections; WhatsApp allows at most ${MAX_SECTIONS}`);
	}
	const rowIds: string[] = [];
	const rowFields: string[] = [];
	const sections: ListSection[] = given.map((section, s) => {
		if (!isPlainObject(section)) throw new MessageValidationError(`sections[${s}]`, 'must have rows');
		const title = optionalText(`sections[${s}].title`, section.title, MAX_SECTION_TITLE);
		if (title === undefined && given.length > 1) {
			throw new MessageValidationError(`sections[${s}].title`, 'is required when the list has more than one section');
		}
		const rows = listOf<Record<string, unknown>>(`sections[${s}].rows`, section.rows);
		if (rows.length === 0) throw new MessageValidationError(`sections[${s}].rows`, 'add at least one row to this section');
		const built = rows.map((row, r) => {
			const at = `sections[${s}].rows[${r}]`;
			if (!isPlainObject(row)) throw new MessageValidationError(at, 'must have an ID and a title');
			const id = requiredId(`${at}.id`, row.id, MAX_ROW_ID);
			rowIds.push(id);
			rowFields.push(`${at}.id`);
			const description = optionalText(`${at}.description`, row.description, MAX_ROW_DESCRIPTION);
			return {
				id,
				title: requiredText(`${at}.title`, row.title, MAX_ROW_TITLE),
				...(description !== undefined && { description }),
			};
		});
		return title === undefined ? { rows: built } : { title, rows: built };
	});
	if (rowIds.length > MAX_ROWS) {
		throw new MessageValidationError('sections', `has ${rowIds.length} rows in all; WhatsApp allows at most ${MAX_ROWS} rows across all sections`);
	}
	requireUnique((i) => rowFields[i], rowIds, 'Row ID');
	const interactive: InteractiveList = { type: 'list', body, action: { button, sections } };
	if (headerText !== undefined) interactive.header = { type: 'text', text: headerText };
	if (footer) interactive.footer = footer;
	return { ...envelope, type: 'interactive', interactive };
}
