import {
	MediaValidationError,
	checkMedia,
	extensionForMimeType,
	isAnimatedWebp,
	kindFromMimeType,
	normalizeMimeType,
} from './mime';

const KB = 1024;
const MB = 1024 * 1024;

/** A minimal WebP header: VP8X chunk whose flags byte has the animation bit when `animated`. */
function webp(size: number, animated: boolean): Buffer {
	const data = Buffer.alloc(size);
	data.write('RIFF', 0, 'ascii');
	data.write('WEBP', 8, 'ascii');
	data.write('VP8X', 12, 'ascii');
	data[20] = animated ? 0x02 : 0x00;
	return data;
}

function catchError(fn: () => unknown): MediaValidationError {
	try {
		fn();
	} catch (error) {
		return error as MediaValidationError;
	}
	throw new Error('expected a MediaValidationError');
}

describe('Meta MIME table', () => {
	it('derives the media kind from each MIME type Meta accepts', () => {
		expect(kindFromMimeType('image/png')).toBe('image');
		expect(kindFromMimeType('image/webp')).toBe('sticker');
		expect(kindFromMimeType('audio/ogg; codecs=opus')).toBe('audio');
		expect(kindFromMimeType('video/3gpp')).toBe('video');
		expect(kindFromMimeType('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')).toBe('document');
	});

	it('returns no kind for a MIME type WhatsApp does not accept', () => {
		expect(kindFromMimeType('image/gif')).toBeUndefined();
	});

	it('normalizes case, parameters and common aliases', () => {
		expect(normalizeMimeType('Image/JPG')).toBe('image/jpeg');
		expect(normalizeMimeType('audio/ogg; codecs=opus')).toBe('audio/ogg');
	});

	it('knows a file extension for every MIME type it accepts', () => {
		expect(extensionForMimeType('image/jpeg')).toBe('jpg');
		expect(extensionForMimeType('application/pdf')).toBe('pdf');
		expect(extensionForMimeType('audio/ogg; codecs=opus')).toBe('ogg');
	});

	it('recognises an animated WebP by its VP8X animation flag', () => {
		expect(isAnimatedWebp(webp(64, true))).toBe(true);
		expect(isAnimatedWebp(webp(64, false))).toBe(false);
		expect(isAnimatedWebp(Buffer.from('not a webp at all, just text'))).toBe(false);
	});
});

describe('checkMedia', () => {
	it('accepts an image at exactly the 5 MB limit', () => {
		const checked = checkMedia({ data: Buffer.alloc(5 * MB), mimeType: 'image/png' });
		expect(checked).toMatchObject({ kind: 'image', mimeType: 'image/png', fileSize: 5 * MB });
	});

	it('rejects an image one byte over 5 MB naming the MIME type, the size and the limit', () => {
		const error = catchError(() => checkMedia({ data: Buffer.alloc(5 * MB + 1), mimeType: 'image/png', fileName: 'a.png' }));
		expect(error).toBeInstanceOf(MediaValidationError);
		expect(error.field).toBe('fileSize');
		expect(error.message).toContain('image/png');
		expect(error.message).toContain('"a.png"');
		expect(error.message).toContain('5 MB limit');
	});

	it('rejects a MIME type that is not in the table', () => {
		const error = catchError(() => checkMedia({ data: Buffer.from('GIF89a'), mimeType: 'image/gif' }));
		expect(error.field).toBe('mimeType');
		expect(error.message).toContain('image/gif');
	});

	it('rejects a MIME type that does not fit the chosen kind', () => {
		const error = catchError(() => checkMedia({ data: Buffer.from('x'), mimeType: 'image/png', kind: 'video' }));
		expect(error.field).toBe('mimeType');
		expect(error.description).toContain('video/mp4');
	});

	it('takes the MIME type from the file name when the binary data says only octet-stream', () => {
		expect(checkMedia({ data: Buffer.from('%PDF-1.7'), mimeType: 'application/octet-stream', fileName: 'invoice.PDF' })).toMatchObject({
			kind: 'document',
			mimeType: 'application/pdf',
		});
		expect(catchError(() => checkMedia({ data: Buffer.from('x'), mimeType: 'application/octet-stream', fileName: 'a.exe' })).field).toBe('mimeType');
	});

	it('rejects an empty file', () => {
		expect(catchError(() => checkMedia({ data: Buffer.alloc(0), mimeType: 'image/png' })).field).toBe('data');
	});

	it('allows a static sticker up to 100 KB and rejects it above', () => {
		expect(checkMedia({ data: webp(100 * KB, false), mimeType: 'image/webp' }).animated).toBe(false);
		const error = catchError(() => checkMedia({ data: webp(100 * KB + 1, false), mimeType: 'image/webp' }));
		expect(error.message).toContain('static sticker');
		expect(error.message).toContain('100 KB');
	});

	it('allows an animated sticker up to 500 KB and rejects it above', () => {
		expect(checkMedia({ data: webp(500 * KB, true), mimeType: 'image/webp' }).animated).toBe(true);
		const error = catchError(() => checkMedia({ data: webp(500 * KB + 1, true), mimeType: 'image/webp' }));
		expect(error.message).toContain('animated sticker');
		expect(error.message).toContain('500 KB');
	});
});
