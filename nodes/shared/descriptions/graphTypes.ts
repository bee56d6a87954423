/** Cloud API shapes the shared locators read (WABA phone-number and template lists). */

export interface GraphPaging {
	cursors?: { before?: string; after?: string };
	next?: string;
	previous?: string;
}

export interface WabaPhoneNumber {
	id: string;
	display_phone_number?: string;
	verified_name?: string;
	quality_rating?: string;
}

export interface WabaPhoneNumberList {
	data: WabaPhoneNumber[];
	paging?: GraphPaging;
}

export type TemplateComponentType = 'HEADER' | 'BODY' | 'FOOTER' | 'BUTTONS' | 'CAROUSEL' | 'LIMITED_TIME_OFFER';

export interface TemplateButtonDefinition {
	type: 'QUICK_REPLY' | 'URL' | 'PHONE_NUMBER' | 'COPY_CODE' | 'FLOW' | 'OTP' | 'CATALOG' | 'MPM' | string;
	/** Authentication templates' one-time password buttons. */
	otp_type?: 'COPY_CODE' | 'ONE_TAP' | 'ZERO_TAP' | string;
	text?: string;
	url?: string;
	example?: string[] | string;
}

export interface TemplateComponentDefinition {
	type: TemplateComponentType | string;
	/** HEADER only: TEXT, IMAGE, VIDEO, DOCUMENT, LOCATION; PRODUCT for a product card. */
	format?: string;
	/** LIMITED_TIME_OFFER only: the offer text, and whether the message shows the offer's expiration. */
	limited_time_offer?: { text?: string; has_expiration?: boolean };
	/** CAROUSEL only: the cards, each with the same components (header, optional body, buttons). */
	cards?: Array<{ components?: TemplateComponentDefinition[] }>;
	text?: string;
	buttons?: TemplateButtonDefinition[];
	example?: {
		header_text?: string[];
		body_text?: string[][];
		header_text_named_params?: Array<{ param_name: string; example: string }>;
		body_text_named_params?: Array<{ param_name: string; example: string }>;
	};
}

export interface MessageTemplate {
	id?: string;
	name: string;
	language: string;
	status?: string;
	category?: string;
	parameter_format?: 'POSITIONAL' | 'NAMED' | string;
	components?: TemplateComponentDefinition[];
}

export interface MessageTemplateList {
	data: MessageTemplate[];
	paging?: GraphPaging;
}
