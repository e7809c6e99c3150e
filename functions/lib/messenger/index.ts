/**
 * Subscribe messages: the `Messenger` port (../ports.ts) with two adapters, WeChat's HTTPS API
 * (`wechatMessenger`, production) and the local outbox (`createOutbox`). Settings: ./settings.ts.
 */
export { wechatMessenger, type WechatMessengerOptions } from './wechat';
export { createOutbox, type Outbox, type OutboxMessage } from './outbox';
export { readMessengerSettings, strictMessengerSettings, blockedBy, TEMPLATE_ID_VARIABLES, type MessengerSettings, type SettingProblem, type MiniprogramState } from './settings';
