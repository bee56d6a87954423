/**
 * One input error for every node and builder (issue 16, item 3): which field, what is wrong with it (a phrase that
 * follows the field's name), and how to fix it. Builders throw it without knowing the item; `toItemError` names the
 * item and the field as the node shows it, so no code reads or rewrites an error's message afterwards.
 */

/** `["Sections #2", "Rows #1", "ID"]` → `Sections #2 › Rows #1 › ID`. */
export function joinFieldPath(field: string | readonly string[]): string {
	return typeof field === 'string' ? field : field.filter(Boolean).join(' › ');
}

export class FieldError extends Error {
	/**
	 * @param field the field as the user sees it (a path as a list), or a builder's parameter path the node maps
	 * @param problem follows the field's name: `is longer than 24 characters`
	 * @param hint how to fix it, shown under the message
	 * @param message the error's own message when thrown outside a node (default: `"field" problem`)
	 */
	constructor(
		readonly field: string | readonly string[],
		readonly problem: string,
		readonly hint?: string,
		message?: string,
	) {
		super(message ?? `"${joinFieldPath(field)}" ${problem}`);
		this.name = new.target.name;
	}

	/** The hint under the name n8n's errors and error items give it. */
	get description(): string | undefined {
		return this.hint;
	}
}
