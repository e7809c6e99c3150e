/**
 * The privacy agreement. WeChat calls our one `onNeedPrivacyAuthorization` listener whenever a
 * private API (getLocation) runs before the user agreed, on whichever page runs it; the sheet of
 * that page (components/privacy-sheet, on every page that can call one) shows itself and settles
 * it. A "disagree" fails only that call: the next call asks again, so a page's "开启定位" just
 * calls the API again. `wx.openSetting` cannot grant privacy consent and is never used for it.
 */
export type PrivacyAnswer = { event: 'agree'; buttonId: string } | { event: 'disagree' };
type PrivacyResolve = (answer: PrivacyAnswer) => void;
type Show = (visible: boolean) => void;

let pending: PrivacyResolve | null = null;
let registered = false;
const sheets: Show[] = [];

/** Registers our one listener (idempotent). App.onLaunch calls it so no private API runs before it. */
export function listenForPrivacyRequests(): void {
  if (registered || typeof wx.onNeedPrivacyAuthorization !== 'function') return;
  registered = true;
  // The typings declare a plain callback; the real listener receives `resolve` (base library 2.32.3).
  const on = wx.onNeedPrivacyAuthorization as unknown as (listener: (resolve: PrivacyResolve) => void) => void;
  on((resolve) => {
    if (pending) pending({ event: 'disagree' }); // a question nobody answered is superseded
    pending = resolve;
    showTopSheet();
  });
}

/**
 * The sheet of the page on top asks. A page asking from `onLoad` on a cold start may run before its
 * sheet attached: wait one turn for it; with no sheet at all, disagree so the API fails and the
 * page falls back instead of hanging.
 */
function showTopSheet(retry = true): void {
  const sheet = sheets[sheets.length - 1];
  if (sheet) sheet(true);
  else if (retry) setTimeout(() => pending && showTopSheet(false), 0);
  else settlePrivacy(false);
}

/** Lets a sheet show itself when consent is needed; returns the function that detaches it. */
export function attachPrivacySheet(show: Show): () => void {
  listenForPrivacyRequests();
  sheets.push(show);
  if (pending) show(true);
  return () => {
    const i = sheets.indexOf(show);
    if (i >= 0) sheets.splice(i, 1);
  };
}

/** Answers WeChat's pending question. `buttonId` is the agree button's id (WeChat checks it). */
export function settlePrivacy(agreed: boolean, buttonId = ''): void {
  const resolve = pending;
  pending = null;
  sheets.forEach((show) => show(false));
  if (resolve) resolve(agreed ? { event: 'agree', buttonId } : { event: 'disagree' });
}
