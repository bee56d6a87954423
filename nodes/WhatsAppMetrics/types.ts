/** Cloud API analytics and phone-number payloads (CLOUD_API.md, Metrics). Numbers may arrive as numeric strings. */

export type NumberLike = number | string;

import type { GraphPaging } from '../shared/transport/types';

export type { GraphPaging };

/** `GET /{waba}?fields=analytics…` → `analytics` */
export interface MessageAnalytics {
	phone_numbers?: string[];
	country_codes?: string[];
	granularity?: string;
	data_points?: Array<{ start: NumberLike; end: NumberLike; sent?: NumberLike; delivered?: NumberLike }>;
	paging?: GraphPaging;
}

export interface ConversationDataPoint {
	start: NumberLike;
	end: NumberLike;
	conversation?: NumberLike;
	cost?: NumberLike;
	phone_number?: string;
	country?: string;
	conversation_type?: string;
	conversation_category?: string;
	conversation_direction?: string;
}

/** `GET /{waba}?fields=conversation_analytics…` → `conversation_analytics` */
export interface ConversationAnalytics {
	data?: Array<{ data_points?: ConversationDataPoint[] }>;
	paging?: GraphPaging;
}

export interface PricingDataPoint {
	start: NumberLike;
	end: NumberLike;
	volume?: NumberLike;
	cost?: NumberLike;
	phone_number?: string;
	country?: string;
	pricing_type?: string;
	pricing_category?: string;
	tier?: string;
}

/** `GET /{waba}?fields=pricing_analytics…` → `pricing_analytics` */
export interface PricingAnalytics {
	data?: Array<{ data_points?: PricingDataPoint[] }>;
	paging?: GraphPaging;
}

export interface TemplateDataPoint {
	template_id: string;
	start: NumberLike;
	end: NumberLike;
	sent?: NumberLike;
	delivered?: NumberLike;
	read?: NumberLike;
	clicked?: Array<{ type?: string; button_content?: string; count?: NumberLike }>;
	cost?: Array<{ type?: string; value?: NumberLike }>;
}

/** `GET /{waba}/template_analytics` */
export interface TemplateAnalyticsPage {
	data?: Array<{ granularity?: string; product_type?: string; data_points?: TemplateDataPoint[] }>;
	paging?: GraphPaging;
}

/** `GET /{waba}/message_templates?name=…&fields=id,name,language,status` */
export interface TemplateIdList {
	data?: Array<{ id: string; name: string; language?: string; status?: string }>;
	paging?: GraphPaging;
}

/** `GET /{phone-number-id}?fields=…` */
export interface PhoneNumberHealth {
	id: string;
	display_phone_number?: string;
	verified_name?: string;
	quality_rating?: string;
	throughput?: { level?: string };
	status?: string;
	name_status?: string;
	code_verification_status?: string;
	platform_type?: string;
	/** v24+ */
	whatsapp_business_manager_messaging_limit?: string | { tier?: string; current_limit?: string; value?: string };
	/** before v24 */
	messaging_limit_tier?: string;
}

/** `GET /{waba}/phone_numbers` */
export interface PhoneNumberList {
	data?: Array<{ id: string; display_phone_number?: string; verified_name?: string; quality_rating?: string }>;
	paging?: GraphPaging;
}
