process.env.NEARBY_TEST_BACKEND = 'cloudbase-fake';
