import { subscriptionAdvice } from '../lifecycle';
import { triggerProperties } from '../description';
import { strategyFor, SubscriptionError } from '../subscription';

// The codes are Graph's: 190 (access token), 3 / 10 / 200–299 (permissions) and 100 (invalid parameter) from
// https://developers.facebook.com/docs/graph-api/guides/error-handling/. 2200 (the callback could not be verified) is
// the trigger's long-standing advice; no Meta page found documents that code, so it stands on the trigger's own word.
describe('advice on a subscription call Meta refused', () => {
	const url = 'https://n8n.example.com/webhook/x/webhook';

	it.each([
		[190, /not valid or has expired/],
		[10, /lacks a permission/],
		[3, /lacks a permission/],
		[200, /lacks a permission/],
		[299, /lacks a permission/],
		[2200, /Meta could not verify the callback URL https:\/\/n8n\.example\.com\/webhook\/x\/webhook/],
		[100, /Meta rejected a parameter/],
	])('for code %p', (code, advice) => {
		expect(subscriptionAdvice({ code }, url)).toMatch(advice);
	});

	it('is none for a code with nothing specific to do', () => {
		expect(subscriptionAdvice({ code: 131000 }, url)).toBeUndefined();
		expect(subscriptionAdvice(new Error('socket hang up'), url)).toBeUndefined();
	});
});

describe('the subscription strategies', () => {
	const choices = triggerProperties.find((property) => property.name === 'subscription')?.options as Array<{ name: string; value: string }>;

	it('are one per Subscription choice, under the name the user sees', () => {
		expect(choices.map((choice) => strategyFor(choice.value).label)).toEqual(choices.map((choice) => choice.name));
	});

	it('set a callback at Meta for every choice but Manual', () => {
		expect(choices.filter((choice) => !strategyFor(choice.value).setsCallback).map((choice) => choice.value)).toEqual(['manual']);
	});

	it('refuse a Subscription value the trigger does not offer, by name', () => {
		expect(() => strategyFor('constructor')).toThrow(SubscriptionError);
		expect(() => strategyFor('webhook')).toThrow('"Subscription" is "webhook", which is not one this trigger offers');
	});
});
