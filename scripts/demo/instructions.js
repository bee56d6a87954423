'use strict';
// What `npm start` prints once everything runs: the editor, the login, the demo workflows and the commands to play a
// customer. Every URL is the one really in use (a port taken by something else moves the simulator or n8n).
const { DEMO_IDS } = require('./workflows');

/** The customer the printed commands play; the log command shows the bot's reply to this number. */
const DEMO_CUSTOMER = { from: '15550001234', name: 'Ana' };

/** Messages per second of the broadcast demo's sender (the simulator's standard number, the credential's tier). */
const BROADCAST = { recipients: 1000, messagesPerSecond: 80 };

/**
 * The shell commands to play a customer and read what the bot answered, against the simulator at `simUrl`; with the
 * support bot's number, also writing to the support bot and tapping "Yes, solved" on its question.
 */
function customerCommands(simUrl, phoneNumberId, supportPhoneNumberId) {
	const post = (body) => `curl -s -X POST ${simUrl}/_sim/inbound -H 'content-type: application/json' -d '${JSON.stringify(body)}'`;
	const customer = { from: DEMO_CUSTOMER.from, name: DEMO_CUSTOMER.name };
	const commands = {
		inbound: post({ phoneNumberId, ...customer, type: 'text', body: 'hello' }),
		reply: `curl -s '${simUrl}/_sim/log?to=${DEMO_CUSTOMER.from}&limit=1'`,
		counters: `curl -s ${simUrl}/_sim/counters`,
	};
	if (!supportPhoneNumberId) return commands;
	return {
		...commands,
		supportInbound: post({ phoneNumberId: supportPhoneNumberId, ...customer, type: 'text', body: 'My order never arrived' }),
		// A tap quotes the question it answers (Meta's button_reply carries context.id): the newest message Ana got.
		supportAnswer:
			`Q=$(curl -s '${simUrl}/_sim/log?to=${DEMO_CUSTOMER.from}&limit=1' | sed -E 's/.*"wamid":"([^"]+)".*/\\1/') && ` +
			post({
				phoneNumberId: supportPhoneNumberId,
				...customer,
				type: 'interactive',
				context: { id: '__QUESTION__' },
				interactive: { type: 'button_reply', button_reply: { id: 'approve', title: 'Yes, solved' } },
			}).replace('__QUESTION__', `'"$Q"'`),
	};
}

/** The lines `npm start` prints: `n8nUrl` and `simUrl` are the addresses in use, `logFile` n8n's log. */
function demoInstructions({ n8nUrl, simUrl, phoneNumberId, supportPhoneNumberId, owner, logFile, readyIn }) {
	const commands = customerCommands(simUrl, phoneNumberId, supportPhoneNumberId);
	const seconds = Math.ceil(BROADCAST.recipients / BROADCAST.messagesPerSecond);
	return [
		'',
		'WhatsApp Cloud nodes are running in a real n8n, against a local Cloud API simulator.',
		'',
		`  Editor:     ${n8nUrl}/`,
		`  Login:      ${owner.email} / ${owner.password}`,
		`  Simulator:  ${simUrl}/_sim/   (Meta's Graph API stand-in; credential "WhatsApp (local simulator)")`,
		'',
		'  Workflows:',
		`    Echo bot (active)         ${n8nUrl}/workflow/${DEMO_IDS.echoBot}`,
		`    Broadcast 1,000 template  ${n8nUrl}/workflow/${DEMO_IDS.broadcast}   (open it and click "Execute workflow": about ${seconds} s at ${BROADCAST.messagesPerSecond} msg/s)`,
		`    Metrics report            ${n8nUrl}/workflow/${DEMO_IDS.metrics}`,
		`    Upload + send an image    ${n8nUrl}/workflow/${DEMO_IDS.sendImage}`,
		...(commands.supportInbound ? [`    Support bot (active)      ${n8nUrl}/workflow/${DEMO_IDS.supportBot}   (asks "Is your issue solved?" and waits for the tap)`] : []),
		'',
		`  Try it: send the bot a WhatsApp message as ${DEMO_CUSTOMER.name} (the simulator signs and delivers it to n8n):`,
		`    ${commands.inbound}`,
		`  then see the reply the bot sent ${DEMO_CUSTOMER.name} (the log lists the newest first; ?to= keeps one recipient's):`,
		`    ${commands.reply}`,
		'  and the counters (accepted, rejected by code, peak per second; repeatedBodies counts messages sent again with',
		'  the same body since the simulator started, so a second broadcast counts all 1,000; POST /_sim/reset starts over):',
		`    ${commands.counters}`,
		...(commands.supportInbound
			? [
					'',
					`  The support bot (its own number, ${supportPhoneNumberId}): write to it, then tap "Yes, solved" on its question; the`,
					'  waiting execution resumes with approved: true and thanks Ana (see the log command above):',
					`    ${commands.supportInbound}`,
					`    ${commands.supportAnswer}`,
				]
			: []),
		'',
		`  n8n's log: ${logFile}   (a broadcast logs its progress there)`,
		`  Ready in ${readyIn}. Ctrl-C stops n8n and the simulator.`,
		'',
	];
}

module.exports = { demoInstructions, customerCommands, DEMO_CUSTOMER, BROADCAST };
