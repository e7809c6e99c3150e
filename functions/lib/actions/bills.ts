import { accountsParams, bindAccountParams, listBillsParams, payBillParams, refreshBillParams, unbindAccountParams } from '../../../shared/contract/bills';
import type { Ports } from '../ports';
import { user, type Actions } from '../serve';
import { bindAccount, listAccounts, listBills, payBill, refreshBill, unbindAccount } from '../usecases/bills';
import { getBill } from '../usecases/ride-bill';

export const billsActions: Actions<Ports> = {
  bindAccount: user(bindAccountParams, (ports, p, call) => bindAccount(ports, p, call)),
  unbindAccount: user(unbindAccountParams, (ports, p, call) => unbindAccount(ports, p, call)),
  accounts: user(accountsParams, (ports, _p, call) => listAccounts(ports, call)),
  list: user(listBillsParams, (ports, p, call) => listBills(ports, p, call)),
  pay: user(payBillParams, (ports, p, call) => payBill(ports, p, call)),
  refresh: user(refreshBillParams, (ports, p, call) => refreshBill(ports, p, call)),
  // One bill; a ride bill says which ride (issue 17: the ride part of bills.get).
  get: user(refreshBillParams, (ports, p, call) => getBill(ports, p, call)),
};
