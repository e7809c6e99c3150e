// Placeholder: the packageRide/pages/riding page is written by its own helper.
Component({ methods: { onLoad() {} } });
