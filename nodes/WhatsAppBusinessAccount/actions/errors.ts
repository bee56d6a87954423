/** A parameter of the WhatsApp Business Account node Meta would refuse: `field` as the user sees it (nested as a path). */
export class ManagementInputError extends Error {
	constructor(
		readonly field: string | readonly string[],
		readonly problem: string,
		readonly hint?: string,
	) {
		super(`"${typeof field === 'string' ? field : field.join(' › ')}" ${problem}`);
		this.name = 'ManagementInputError';
	}
}
