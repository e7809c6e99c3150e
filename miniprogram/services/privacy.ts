/**
 * The privacy agreement: WeChat calls our one `onNeedPrivacyAuthorization` listener when a private
 * API (getLocation) needs consent; the visible privacy-sheet shows itself and settles it.
 */
type PrivacyResolve = (answer: { event: 'agree' | 'disagree'; buttonId?: string }) => void;
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
    pending = resolve;
    const sheet = sheets[sheets.length - 1];
    if (sheet) sheet(true);
    else resolve({ event: 'disagree' }); // nobody can ask: let the API fail and the page fall back
  });
}

/** Lets a sheet show itself when consent is needed; returns the function that detaches it. */
export function attachPrivacySheet(show: Show): () => void {
  listenForPrivacyRequests();
  sheets.push(show);
  return () => {
    const i = sheets.indexOf(show);
    if (i >= 0) sheets.splice(i, 1);
  };
}

/** Answers WeChat's pending question. `buttonId` is the agree button's id (WeChat checks it). */
export function settlePrivacy(agreed: boolean, buttonId?: string): void {
  const resolve = pending;
  pending = null;
  sheets.forEach((show) => show(false));
  if (resolve) resolve(agreed ? { event: 'agree', buttonId } : { event: 'disagree' });
}
