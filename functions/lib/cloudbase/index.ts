export { adminPorts, asAdapterDb, billPorts, bookingPorts, cloudbasePorts, cloudbaseWorld, geoPorts, ridePorts } from './adapters';
export { cloudbaseApp, cloudbaseDb, cloudbaseInitialised, COLLECTIONS } from './db';
export { createCloudbaseWorld } from './world';
