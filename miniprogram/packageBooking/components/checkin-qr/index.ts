/** A check-in code drawn as a QR code with <view> cells (no canvas), the code in text below it. */
import { qrMatrix } from '../../../shared/index';

Component({
  properties: {
    code: { type: String, value: '' },
  },
  data: { rows: [] as boolean[][] },
  observers: {
    code(code: string) {
      this.setData({ rows: code ? qrMatrix(code) : [] });
    },
  },
});
