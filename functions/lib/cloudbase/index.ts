export { asAdapterDb, cloudbasePorts } from './adapters';
export { cloudbaseApp, cloudbaseDb, cloudbaseInitialised, COLLECTIONS } from './db';
export { cloudbaseWorld, createCloudbaseWorld } from './world';
