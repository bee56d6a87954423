/**
 * A kind's read gives its body built once (the check pass) and, for an item whose media may change, a pure build of the
 * body from media IDs by slot: the media message's own, a header, a carousel card's header. Expected bodies are Meta's
 * own examples (test/contract/fixtures/requests, each naming its page):
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/media-card-carousel-templates
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/interactive-reply-buttons-messages
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/document-messages (send-document-id)
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { requestFixtures } from '../../../test/contract/fixtures';
import type { InteractiveMessage, MediaMessage, TemplateMessage } from '../../shared/messages';
import { messageKinds } from './index';
import { sendInLanguage } from './template/check';
import type { MediaSlot, MessageType, PreparedMessage } from './types';

/** The body of Meta's example of that name. */
const documented = <T>(name: string) => requestFixtures().find((fixture) => fixture.name === name)!.request!.body as unknown as T;

/** The parameters n8n would give the node, read through a context that holds only them (and one binary file). */
function contextFor(parameters: IDataObject, file?: { data: Buffer; mimeType: string; fileName: string }): IExecuteFunctions {
	const node = { parameters };
	return {
		getNode: () => node,
		getNodeParameter: (path: string, _itemIndex: number, fallback?: unknown, options?: { extractValue?: boolean }) => {
			let value: unknown = parameters;
			for (const segment of path.split('.')) value = (value as IDataObject | undefined)?.[segment];
			if (value === undefined) return fallback;
			return options?.extractValue && value && typeof value === 'object' ? (value as IDataObject).value : value;
		},
		helpers: {
			assertBinaryData: () => ({ data: file!.data.toString('base64'), mimeType: file!.mimeType, fileName: file!.fileName }),
			getBinaryDataBuffer: async () => file!.data,
		},
	} as unknown as IExecuteFunctions;
}

const read = (parameters: IDataObject, file?: Parameters<typeof contextFor>[1]): Promise<PreparedMessage> =>
	messageKinds[parameters.messageType as MessageType].read(contextFor({ recipient: '+16505551234', ...parameters }, file), 0);

const ids = (entries: Array<[MediaSlot, string]>) => new Map(entries);

const carousel = documented<TemplateMessage>('send-template-carousel-quick-reply-url');
const cardIds = carousel.template.components!.flatMap((component) =>
	component.type === 'carousel' ? component.cards.map((card) => (card.components[0].parameters[0] as { image: { id: string } }).image.id) : [],
);

/** Meta's carousel example as Template Fields, each card's image given as a link. */
const carouselFields = {
	messageType: 'template',
	template: { __rl: true, mode: 'name', value: 'carousel_template_media_cards_v1' },
	language: 'en_US',
	templateFields: {
		value: {
			'body:1': 'Pablo',
			'body:2': '20%',
			'body:3': '20OFF',
			'card:0:header:image': 'https://example.com/aloe.jpg',
			'card:0:button:quick_reply:0': 'more-aloes',
			'card:0:button:url:1': 'blue-elf',
			'card:1:header:image': 'https://example.com/crassula.jpg',
			'card:1:button:quick_reply:0': 'more-crassulas',
			'card:1:button:url:1': 'buddhas-temple',
			'card:2:header:image': 'https://example.com/echeveria.jpg',
			'card:2:button:quick_reply:0': 'more-echeverias',
			'card:2:button:url:1': 'black-prince',
		},
	},
};

const cardHeaders = (body: TemplateMessage) =>
	body.template.components!.flatMap((component) => (component.type === 'carousel' ? component.cards.map((card) => card.components[0].parameters[0]) : []));

describe('a template carousel built from its card slots', () => {
	test('each card link is a slot by its card index, and building with the cards\' IDs gives Meta\'s example', async () => {
		const prepared = await read(carouselFields);
		expect(prepared.mediaLinks?.map((link) => [link.slot, link.url])).toEqual([
			['card 0', 'https://example.com/aloe.jpg'],
			['card 1', 'https://example.com/crassula.jpg'],
			['card 2', 'https://example.com/echeveria.jpg'],
		]);
		const built = prepared.build!(ids(cardIds.map((id, index) => [`card ${index}`, id]))) as TemplateMessage;
		expect(built.template.components).toEqual(carousel.template.components);
	});

	test('two cards built with two IDs put each ID in its own card; the card given none keeps its link', async () => {
		const prepared = await read(carouselFields);
		const built = prepared.build!(ids([['card 2', '222'], ['card 0', '100']])) as TemplateMessage;
		expect(cardHeaders(built)).toEqual([
			{ type: 'image', image: { id: '100' } },
			{ type: 'image', image: { link: 'https://example.com/crassula.jpg' } },
			{ type: 'image', image: { id: '222' } },
		]);
	});

	test('building twice from one read gives equal bodies, new objects, and leaves the first and the read\'s body as they were', async () => {
		const prepared = await read(carouselFields);
		const checked = structuredClone(prepared.body);
		const cards = ids([['card 1', '111']]);
		const first = prepared.build!(cards);
		const firstAsBuilt = structuredClone(first);
		const other = prepared.build!(ids([['card 1', '999']]));
		const again = prepared.build!(cards);
		expect(again).toEqual(first);
		expect(again).not.toBe(first);
		expect(cardHeaders(other as TemplateMessage)[1]).toEqual({ type: 'image', image: { id: '999' } });
		expect(first).toEqual(firstAsBuilt);
		expect(prepared.body).toEqual(checked);
		expect(cardHeaders(prepared.body as TemplateMessage)[1]).toEqual({ type: 'image', image: { link: 'https://example.com/crassula.jpg' } });
	});

	test('a template read without a language is built, after its uploads too, in the language its check chose', async () => {
		const prepared = await read({ ...carouselFields, language: '' });
		sendInLanguage(prepared, 'pt_BR');
		expect((prepared.build!(ids([])) as TemplateMessage).template.language).toEqual({ code: 'pt_BR' });
	});
});

describe('a header slot', () => {
	const replyButtons = documented<InteractiveMessage>('send-interactive-reply-buttons');
	const buttons = {
		messageType: 'buttons',
		headerType: 'image',
		headerMediaSource: 'link',
		headerLink: 'https://example.com/workshop.jpg',
		interactiveBody: (replyButtons.interactive as { body: { text: string } }).body.text,
		footer: (replyButtons.interactive as { footer: { text: string } }).footer.text,
		replyButtons: { button: [{ id: 'change-button', title: 'Change' }, { id: 'cancel-button', title: 'Cancel' }] },
	};

	test('given a link, the body read sends the link; built with an ID it sends the ID in place of it, as Meta\'s example', async () => {
		const prepared = await read(buttons);
		expect(((prepared.body as InteractiveMessage).interactive as { header?: unknown }).header).toEqual({ type: 'image', image: { link: 'https://example.com/workshop.jpg' } });
		expect(prepared.mediaLinks?.map((link) => link.slot)).toEqual(['header']);
		const built = prepared.build!(ids([['header', '2762702990552401']])) as InteractiveMessage;
		expect(built.interactive).toEqual(replyButtons.interactive);
	});

	test('given a media ID, the body read sends it and the item keeps no build (nothing of it can change)', async () => {
		const prepared = await read({ ...buttons, headerMediaSource: 'id', headerMediaId: '2762702990552401' });
		expect((prepared.body as InteractiveMessage).interactive).toEqual(replyButtons.interactive);
		expect(prepared.build).toBeUndefined();
		expect(prepared.mediaLinks).toBeUndefined();
	});
});

describe('a media message\'s slot', () => {
	const pdf = { data: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'), mimeType: 'application/pdf', fileName: 'order_abc123.pdf' };
	const sendDocument = documented<MediaMessage & { document: { id: string; caption: string } }>('send-document-id');

	test('a binary file is a pending upload of the slot; built with the upload\'s ID the body is Meta\'s example', async () => {
		const prepared = await read({ messageType: 'document', mediaSource: 'binary', caption: sendDocument.document.caption }, pdf);
		expect(prepared.uploads?.map((upload) => upload.slot)).toEqual(['media']);
		const built = prepared.build!(ids([['media', sendDocument.document.id]]));
		expect((built as typeof sendDocument).document).toEqual(sendDocument.document);
		// The check pass's placeholder stays in the body read: the build made a new body, it did not fill that one in.
		expect((prepared.body as typeof sendDocument).document.id).toBe('0');
	});

	test('an item with no file and no link to upload once keeps only its body', async () => {
		const prepared = await read({ messageType: 'image', mediaSource: 'id', mediaId: '1479537139650973' });
		expect(Object.keys(prepared)).toEqual(['body']);
	});
});
