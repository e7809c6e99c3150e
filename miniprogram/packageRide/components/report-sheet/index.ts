/**
 * The fault report sheet (unlock, riding, ride summary): a category, a note of up to 200
 * characters, up to 3 photos (`wx.chooseMedia`, uploaded as `wx.cloud.uploadFile` does, or to the
 * local host), then `rides.report`. Triggers `close` when dismissed or done.
 */
import { MAX_REPORT_NOTE, MAX_REPORT_PHOTOS, REPORT_CATEGORIES, REPORT_CATEGORY_NAME, refusalText } from '../../../shared/index';
import type { ReportCategory } from '../../../shared/index';
import { choosePhotos, uploadPhoto } from '../../../services/photos';
import { reportFault } from '../../../services/rides';

const CATEGORIES = REPORT_CATEGORIES.map((key) => ({ key, name: REPORT_CATEGORY_NAME[key] }));

Component({
  options: { addGlobalClass: true },
  properties: { bikeCode: { type: String, value: '' }, visible: { type: Boolean, value: false } },
  data: {
    categories: CATEGORIES,
    category: '' as ReportCategory | '',
    note: '',
    noteMax: MAX_REPORT_NOTE,
    photos: [] as string[],
    photoMax: MAX_REPORT_PHOTOS,
    sending: false,
    errorText: '',
    sent: false,
  },
  methods: {
    onCategory(e: WechatMiniprogram.TouchEvent) {
      this.setData({ category: String(e.currentTarget.dataset.key) as ReportCategory, errorText: '' });
    },
    onNote(e: WechatMiniprogram.Input) {
      this.setData({ note: e.detail.value.slice(0, MAX_REPORT_NOTE) });
    },
    async onAddPhoto() {
      const room = MAX_REPORT_PHOTOS - this.data.photos.length;
      if (room <= 0) return;
      const chosen = await choosePhotos(room);
      this.setData({ photos: [...this.data.photos, ...chosen].slice(0, MAX_REPORT_PHOTOS) });
    },
    onRemovePhoto(e: WechatMiniprogram.TouchEvent) {
      const index = Number(e.currentTarget.dataset.index);
      this.setData({ photos: this.data.photos.filter((_, i) => i !== index) });
    },
    async onSubmit() {
      if (this.data.sending) return;
      if (!this.data.category) {
        this.setData({ errorText: '请选择故障类型' });
        return;
      }
      this.setData({ sending: true, errorText: '' });
      const fileIds: string[] = [];
      for (const path of this.data.photos) {
        const uploaded = await uploadPhoto(path);
        if (!uploaded.ok) {
          this.setData({ sending: false, errorText: '照片上传失败，请重试或去掉照片后提交' });
          return;
        }
        fileIds.push(uploaded.data.fileId);
      }
      const note = this.data.note.trim();
      const answer = await reportFault({
        bikeCode: this.properties.bikeCode,
        category: this.data.category,
        ...(note ? { note } : {}),
        ...(fileIds.length ? { photos: fileIds } : {}),
      });
      if (!answer.ok) {
        this.setData({ sending: false, errorText: refusalText(answer.error, { subject: 'report' }) });
        return;
      }
      this.setData({ sending: false, sent: true });
    },
    onClose() {
      this.setData({ category: '', note: '', photos: [], sent: false, errorText: '' });
      this.triggerEvent('close');
    },
    noop() {},
  },
});
