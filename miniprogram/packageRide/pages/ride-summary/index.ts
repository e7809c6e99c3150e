// Placeholder: the packageRide/pages/ride-summary page is written by its own helper.
Component({ methods: { onLoad() {} } });
