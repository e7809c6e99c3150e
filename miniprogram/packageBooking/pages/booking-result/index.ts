// Placeholder: the packageBooking/pages/booking-result page is written by its own helper.
Component({ methods: { onLoad() {} } });
