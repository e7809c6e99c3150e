// Placeholder: the packageRide/pages/unlock page is written by its own helper.
Component({ methods: { onLoad() {} } });
