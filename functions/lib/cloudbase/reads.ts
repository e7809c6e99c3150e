/**
 * What each composition of adapters.ts reads from its environment, from the modules that read it
 * (kept out of adapters.ts so that no bundle carries the other functions' setting names).
 */
import { ENV_READS as TARIFF_READS } from '../../../shared/tariff';
import { ENV_READS as LOCK_READS } from '../lock';
import { ENV_READS as MESSENGER_READS } from '../messenger/settings';
import { ENV_READS as PAY_READS } from '../wechatpay/keys';
import { ENV_READS as WORLD_READS } from './world';

export { WORLD_READS };

/**
 * The settings each composition reads besides its world's (world.ts ENV_READS), from the modules
 * that read them: a function's cloudbaserc.json entry carries exactly these, each with its check in
 * scripts/deploy.ts (tests/unit/cloud-settings.test.ts, which also records what the builders read).
 */
export const PORTS_READS: Record<string, readonly string[]> = {
  geoPorts: LOCK_READS,
  adminPorts: [],
  billPorts: PAY_READS,
  billFunctionPorts: PAY_READS,
  bookingPorts: [],
  ridePorts: [...LOCK_READS, ...TARIFF_READS],
  sweeperPorts: [...LOCK_READS, ...TARIFF_READS, ...PAY_READS],
  cloudbasePorts: [...LOCK_READS, ...TARIFF_READS, ...PAY_READS, ...MESSENGER_READS],
  subscriptionPorts: MESSENGER_READS,
  reminderPorts: MESSENGER_READS,
};
