/**
 * Subscribe messages: the `Messenger` port (../ports.ts) with two adapters, WeChat's HTTPS API
 * (`wechatMessenger`, production) and the local outbox (`createOutbox`). Settings: ./settings.ts.
 */
export { wechatMessenger, type WechatMessengerOptions } from './wechat';
export { createOutbox, memoryOutboxStorage, type Outbox, type OutboxMessage, type OutboxStorage } from './outbox';
export { localNotify, strictWechatNotify, wechatNotify, LOCAL_TEMPLATE_IDS } from './notify';
export {
  readMessengerSettings,
  strictMessengerSettings,
  blockedBy,
  TEMPLATE_ID_VARIABLES,
  type MessengerSettings,
  type SettingProblem,
  type MiniprogramState,
} from './settings';
