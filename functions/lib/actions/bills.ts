import {
  accountsParams,
  billersParams,
  bindAccountParams,
  getBillParams,
  listBillsParams,
  payBillParams,
  refreshBillParams,
  unbindAccountParams,
} from '../../../shared/contract/bills';
import type { Ports } from '../ports';
import { anyone, user, type Actions } from '../serve';
import { bindAccount, getBill, listAccounts, listBillers, listBills, payBill, refreshBill, unbindAccount } from '../usecases/bills';

export const billsActions: Actions<Ports> = {
  billers: anyone(billersParams, (ports, p) => listBillers(ports, p)),
  bindAccount: user(bindAccountParams, (ports, p, call) => bindAccount(ports, p, call)),
  unbindAccount: user(unbindAccountParams, (ports, p, call) => unbindAccount(ports, p, call)),
  accounts: user(accountsParams, (ports, _p, call) => listAccounts(ports, call)),
  list: user(listBillsParams, (ports, p, call) => listBills(ports, p, call)),
  get: user(getBillParams, (ports, p, call) => getBill(ports, p, call)),
  pay: user(payBillParams, (ports, p, call) => payBill(ports, p, call)),
  refresh: user(refreshBillParams, (ports, p, call) => refreshBill(ports, p, call)),
};
