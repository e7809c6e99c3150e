/**
 * The ports, one file per aggregate under functions/lib/ports/ (each beside the types it needs);
 * this barrel keeps `import … from '../ports'` working everywhere. `Ports` (ports/deps.ts) is
 * everything the use cases can reach; each use case takes only the ports it needs.
 */
export * from './ports/bills';
export * from './ports/bookings';
export * from './ports/call';
export * from './ports/deps';
export * from './ports/lock';
export * from './ports/messenger';
export * from './ports/payments';
export * from './ports/places';
export * from './ports/reminders';
export * from './ports/rides';
export * from './ports/staff';
