import { z } from 'zod';
import { BIKE_CODE } from '../qr';
import { id, lat, lng, text, hhmm, timezone, polygon } from './common';

export const openingHours = z
  .array(z.object({ day: z.number().int().min(1, 'must be 1..7 (ISO weekday)').max(7, 'must be 1..7 (ISO weekday)'), open: hhmm.refine((t) => t !== '24:00', 'must be a time "HH:mm" before "24:00"'), close: hhmm }))
  .max(50, 'must have at most 50 intervals');

export const slotRule = z.object({
  minutes: z.number().int().min(5, 'must be at least 5').max(720, 'must be at most 720'),
  capacity: z.number().int().min(1, 'must be at least 1').max(10000, 'must be at most 10000'),
});

export const storeInput = z.object({
  kind: z.literal('store'),
  id,
  name: text(80),
  address: text(200),
  lat,
  lng,
  category: text(40),
  timezone: timezone.optional(),
  openingHours,
  slot: slotRule,
});

export const stationInput = z.object({
  kind: z.literal('station'),
  id,
  name: text(80),
  lat,
  lng,
  zone: polygon,
});

export const bikeCode = z.string().regex(BIKE_CODE, 'must be 1 to 32 letters, digits, - or _');

export const bikeInput = z.object({
  kind: z.literal('bike'),
  id,
  code: bikeCode,
  lat,
  lng,
  status: z.enum(['available', 'maintenance']),
});

export const placeInput = z.discriminatedUnion('kind', [storeInput, stationInput, bikeInput]);

export type StoreInput = z.infer<typeof storeInput>;
export type StationInput = z.infer<typeof stationInput>;
export type BikeInput = z.infer<typeof bikeInput>;
export type PlaceInput = z.infer<typeof placeInput>;
export type PlaceKind = PlaceInput['kind'];
