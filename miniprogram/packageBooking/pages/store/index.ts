// Placeholder: the packageBooking/pages/store page is written by its own helper.
Component({ methods: { onLoad() {} } });
