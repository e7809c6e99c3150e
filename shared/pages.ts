/**
 * Every page a message, a link or a button opens, one path each, as miniprogram/app.json lists it
 * (no leading slash: the form a subscribe message's `page` takes). `pageUrl` adds the slash
 * `wx.navigateTo` and friends want. tests/miniprogram/app-json.test.ts checks app.json has them all.
 */
export const PAGES = {
  nearby: 'pages/nearby/index',
  store: 'packageBooking/pages/store/index',
  bookingResult: 'packageBooking/pages/booking-result/index',
  myBookings: 'packageBooking/pages/my-bookings/index',
  staff: 'packageBooking/pages/staff/index',
  bills: 'packageBill/pages/bills/index',
  accounts: 'packageBill/pages/accounts/index',
  bill: 'packageBill/pages/bill/index',
  records: 'packageBill/pages/records/index',
  receipt: 'packageBill/pages/receipt/index',
  unlock: 'packageRide/pages/unlock/index',
  riding: 'packageRide/pages/riding/index',
  rideSummary: 'packageRide/pages/ride-summary/index',
  history: 'packageRide/pages/history/index',
} as const;

export type PagePath = (typeof PAGES)[keyof typeof PAGES];

/** @example pageUrl(PAGES.bills) // => '/packageBill/pages/bills/index' */
export const pageUrl = (path: PagePath): string => `/${path}`;
