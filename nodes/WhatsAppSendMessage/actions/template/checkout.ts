import type { INodeProperties } from 'n8n-workflow';

/**
 * Checkout button templates: the order behind the "Buy now" button, as Meta documents it for India only.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/payments/payments-in/checkout-button-templates
 */
export const CHECKOUT_REGION_HINT =
	'India only: Meta offers checkout buttons to businesses in India with a payment gateway (Razorpay, PayU or Zaakpay) configured on the account, for WhatsApp users with +91 numbers; currency INR';

const ORDER_EXAMPLE = JSON.stringify({
	reference_id: 'abc.123_xyz-1',
	type: 'digital-goods',
	currency: 'INR',
	payment_settings: [{ type: 'payment_gateway', payment_gateway: { type: 'razorpay', configuration_name: 'prod-razor-pay-config-05' } }],
	order: {
		status: 'pending',
		items: [{ name: 'Blue Elf Aloe', quantity: 1, amount: { offset: 100, value: 150000 }, country_of_origin: 'India', importer_name: 'Lucky Shrub', importer_address: { address_line1: 'One BKC', city: 'Mumbai', zone_code: 'MH', postal_code: '400051', country_code: 'IN' } }],
		subtotal: { offset: 100, value: 150000 },
		shipping: { offset: 100, value: 0 },
		tax: { offset: 100, value: 0 },
	},
	total_amount: { offset: 100, value: 150000 },
});

/** The value of a Checkout button in the manual Buttons list. */
export const checkoutButtonValues: INodeProperties[] = [
	{
		displayName: 'Order Details (JSON)',
		name: 'orderDetails',
		type: 'json',
		default: '',
		placeholder: ORDER_EXAMPLE,
		hint: CHECKOUT_REGION_HINT,
		description:
			'Meta\'s <a href="https://developers.facebook.com/documentation/business-messaging/whatsapp/payments/payments-in/checkout-button-templates">order_details</a>: reference ID (up to 35 letters, digits, _ - .), goods type, INR, payment gateway, the order (items, subtotal, shipping, tax) and its total, all in paise with offset 100',
		displayOptions: { show: { subType: ['order_details'] } },
	},
];
