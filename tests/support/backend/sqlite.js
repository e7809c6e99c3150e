process.env.NEARBY_TEST_BACKEND = 'sqlite';
