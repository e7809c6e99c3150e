// The stand-in is slower than SQLite (every commit is fsynced in a file; snapshots kept in memory):
// a journey that takes 3 s on SQLite may take 6 s here. Suites that set their own timeout keep it.
jest.setTimeout(20_000);
