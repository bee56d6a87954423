import { MessageValidationError } from './errors';
import { isPlainObject, listOf, oneOf, optionalText, parseJsonOrUndefined, requiredText } from './rules';
import type { OrderDetails } from './types';

/**
 * The order behind a checkout button ("Buy now") of a checkout button template, as Meta documents it for India:
 * payment gateway Razorpay, PayU or Zaakpay, currency INR, shipping within India.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/payments/payments-in/checkout-button-templates
 * Every limit below is the page's "Post Body Parameters" table; the object is sent as given once it passes.
 */
export const MAX_REFERENCE_ID = 35;
export const MAX_ITEM_QUANTITY = 100;
export const PAYMENT_GATEWAYS = ['razorpay', 'payu', 'zaakpay'] as const;
const REFERENCE_ID = /^[A-Za-z0-9_.-]+$/;

/** Shipping address fields and their maximum lengths; `required` ones when an address is given. */
const ADDRESS_FIELDS: Array<[key: string, max: number, required: boolean]> = [
	['name', 256, true],
	['phone_number', 12, true],
	['address', 512, true],
	['city', 100, true],
	['state', 100, true],
	['in_pin_code', 6, true],
	['house_number', 8, false],
	['tower_number', 8, false],
	['building_name', 128, false],
	['landmark_area', 128, false],
	['floor_number', 10, false],
];

const IMPORTER_ADDRESS_FIELDS: Array<[key: string, max: number | undefined, required: boolean]> = [
	['address_line1', 100, true],
	['address_line2', 100, false],
	['city', 120, true],
	['zone_code', 2, true],
	['postal_code', 6, true],
	['country_code', 2, true],
];

function objectAt(value: unknown, field: string): Record<string, unknown> {
	if (!isPlainObject(value)) throw new MessageValidationError(field, 'is required and must be an object');
	return value;
}

/** A whole number of paise (the amount × offset), as every amount of the order is given. */
function wholeAmount(value: unknown, field: string): number {
	if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
		throw new MessageValidationError(field, `must be a whole number of the currency's smallest unit (× offset, e.g. 1299 for ₹12.99), got ${JSON.stringify(value)?.slice(0, 30)}`);
	}
	return value;
}

/** `{ offset: 100, value }`: Meta's amounts are all given with offset 100. */
function amountAt(parent: Record<string, unknown>, key: string, at: string, required = true): number | undefined {
	const field = `${at}.${key}`;
	if (parent[key] === undefined && !required) return undefined;
	const amount = objectAt(parent[key], field);
	if (amount.offset !== 100) throw new MessageValidationError(`${field}.offset`, `must be 100 (Meta's amounts are in hundredths), got ${JSON.stringify(amount.offset)}`);
	optionalText(`${field}.description`, amount.description, 60);
	return wholeAmount(amount.value, `${field}.value`);
}

function checkFields(parent: Record<string, unknown>, at: string, fields: Array<[string, number | undefined, boolean]>): void {
	for (const [key, max, required] of fields) {
		if (required) requiredText(`${at}.${key}`, parent[key], max);
		else optionalText(`${at}.${key}`, parent[key], max);
	}
}

function checkShipping(details: Record<string, unknown>, at: string, physical: boolean): void {
	if (details.shipping_info === undefined) {
		if (physical) throw new MessageValidationError(`${at}.shipping_info`, 'is required for physical-goods: { "country": "IN", "addresses": [] } (the addresses may be empty)');
		return;
	}
	const shipping = objectAt(details.shipping_info, `${at}.shipping_info`);
	if (shipping.country !== 'IN') throw new MessageValidationError(`${at}.shipping_info.country`, `must be "IN" (checkout buttons ship within India), got ${JSON.stringify(shipping.country)}`);
	listOf<unknown>(`${at}.shipping_info.addresses`, shipping.addresses ?? []).forEach((address, index) => {
		const where = `${at}.shipping_info.addresses[${index}]`;
		checkFields(objectAt(address, where), where, ADDRESS_FIELDS);
	});
}

/** The items' subtotal: each item's sale price (or price) times its quantity (the page's example: 150000 × 1). */
function checkItems(order: Record<string, unknown>, at: string): number {
	const items = listOf<unknown>(`${at}.items`, order.items);
	if (items.length === 0) throw new MessageValidationError(`${at}.items`, 'is empty: the order needs its product');
	return items.reduce<number>((sum, raw, index) => {
		const where = `${at}.items[${index}]`;
		const item = objectAt(raw, where);
		requiredText(`${where}.name`, item.name, 60);
		const quantity = item.quantity;
		if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1 || quantity > MAX_ITEM_QUANTITY) {
			throw new MessageValidationError(`${where}.quantity`, `must be a whole number from 1 to ${MAX_ITEM_QUANTITY}, got ${JSON.stringify(quantity)}`);
		}
		requiredText(`${where}.country_of_origin`, item.country_of_origin, 100);
		requiredText(`${where}.importer_name`, item.importer_name, 200);
		checkFields(objectAt(item.importer_address, `${where}.importer_address`), `${where}.importer_address`, IMPORTER_ADDRESS_FIELDS);
		const price = amountAt(item, 'amount', where)!;
		const sale = amountAt(item, 'sale_amount', where, false);
		return sum + (sale ?? price) * quantity;
	}, 0);
}

/** The button's `order_details`, from an object or JSON text, checked against the page's limits and sums. */
export function buildOrderDetails(value: unknown, at: string): OrderDetails {
	let given = value;
	if (typeof given === 'string') {
		const parsed = given.trim() === '' ? undefined : parseJsonOrUndefined(given);
		if (!parsed) throw new MessageValidationError(at, given.trim() === '' ? 'is required: the order behind the checkout button, as JSON' : 'is not valid JSON');
		given = parsed.value;
	}
	const details = objectAt(given, at);
	const referenceId = requiredText(`${at}.reference_id`, details.reference_id, MAX_REFERENCE_ID);
	if (!REFERENCE_ID.test(referenceId)) {
		throw new MessageValidationError(`${at}.reference_id`, `"${referenceId}" may hold only English letters, digits, underscores, dashes and dots`);
	}
	const type = oneOf(`${at}.type`, details.type, ['digital-goods', 'physical-goods'] as const);
	if (details.currency !== 'INR') throw new MessageValidationError(`${at}.currency`, `must be "INR" (checkout button templates take payment in India), got ${JSON.stringify(details.currency)}`);
	const settings = listOf<unknown>(`${at}.payment_settings`, details.payment_settings);
	if (settings.length === 0) throw new MessageValidationError(`${at}.payment_settings`, 'is empty: give your payment gateway configuration');
	settings.forEach((raw, index) => {
		const where = `${at}.payment_settings[${index}]`;
		const setting = objectAt(raw, where);
		oneOf(`${where}.type`, setting.type, ['payment_gateway'] as const);
		const gateway = objectAt(setting.payment_gateway, `${where}.payment_gateway`);
		oneOf(`${where}.payment_gateway.type`, gateway.type, PAYMENT_GATEWAYS);
		requiredText(`${where}.payment_gateway.configuration_name`, gateway.configuration_name);
	});
	checkShipping(details, at, type === 'physical-goods');
	const order = objectAt(details.order, `${at}.order`);
	if (order.status !== 'pending') throw new MessageValidationError(`${at}.order.status`, `must be "pending" (a new order), got ${JSON.stringify(order.status)}`);
	const itemsTotal = checkItems(order, `${at}.order`);
	const subtotal = amountAt(order, 'subtotal', `${at}.order`)!;
	if (subtotal !== itemsTotal) {
		throw new MessageValidationError(`${at}.order.subtotal.value`, `is ${subtotal}, but the items come to ${itemsTotal} (each item's sale price or price × quantity)`);
	}
	const shipping = amountAt(order, 'shipping', `${at}.order`)!;
	const tax = amountAt(order, 'tax', `${at}.order`)!;
	const discount = amountAt(order, 'discount', `${at}.order`, false) ?? 0;
	if (order.expiration !== undefined) {
		const expiration = objectAt(order.expiration, `${at}.order.expiration`);
		const timestamp = requiredText(`${at}.order.expiration.timestamp`, expiration.timestamp);
		if (!/^\d{9,11}$/.test(timestamp)) throw new MessageValidationError(`${at}.order.expiration.timestamp`, `must be a Unix time in seconds, e.g. 1726627150, got "${timestamp.slice(0, 20)}"`);
	}
	const total = amountAt(details, 'total_amount', at)!;
	const expected = subtotal + shipping + tax - discount;
	if (total !== expected) {
		throw new MessageValidationError(`${at}.total_amount.value`, `is ${total}, but subtotal + shipping + tax − discount is ${expected}`);
	}
	return details as unknown as OrderDetails;
}
