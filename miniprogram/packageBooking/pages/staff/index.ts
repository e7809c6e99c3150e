// Placeholder: the packageBooking/pages/staff page is written by its own helper.
Component({ methods: { onLoad() {} } });
