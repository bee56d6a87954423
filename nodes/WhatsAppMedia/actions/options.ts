import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

/** The Options collection of a media operation, shown for `show`. */
export function optionsCollection(show: IDisplayOptions['show'], options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show },
		options,
	};
}

/** The File Name option of a media operation (the name of the file downloaded or uploaded). */
export function fileNameOption(description: string, placeholder?: string): INodeProperties {
	return {
		displayName: 'File Name',
		name: 'fileName',
		type: 'string',
		default: '',
		...(placeholder === undefined ? {} : { placeholder }),
		description,
	};
}
