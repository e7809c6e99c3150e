/** The fault report sheet of the ride pages (unlock, riding, summary): `data.reporting` and its open and close taps. */
export const reportBehavior = Behavior({
  data: {
    /** The fault report sheet is open. */
    reporting: false,
  },
  methods: {
    onReport() {
      this.setData({ reporting: true });
    },

    onReportClose() {
      this.setData({ reporting: false });
    },
  },
});
