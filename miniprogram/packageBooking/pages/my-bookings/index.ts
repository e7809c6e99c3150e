// Placeholder: the packageBooking/pages/my-bookings page is written by its own helper.
Component({ methods: { onLoad() {} } });
