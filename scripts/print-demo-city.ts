// `npm run seed:print`: the demo city as JSON, ready for admin.upsertPlaces (in chunks of 1,000).
import { demoCity } from '../functions/local/demo-city';

process.stdout.write(`${JSON.stringify(demoCity(), null, 2)}\n`);
