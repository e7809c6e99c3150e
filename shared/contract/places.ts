import * as z from 'zod/mini';
import { BIKE_CODE } from '../qr';
import { id, lat, lng, text, hhmm, timezone, polygon } from './common';

const weekday = 'must be 1..7 (ISO weekday)';
export const openingHours = z
  .array(
    z.object({
      day: z.int().check(z.minimum(1, weekday), z.maximum(7, weekday)),
      open: hhmm.check(z.refine((t: string) => t !== '24:00', 'must be a time "HH:mm" before "24:00"')),
      close: hhmm,
    }),
  )
  .check(z.maxLength(50, 'must have at most 50 intervals'));

export const slotRule = z.object({
  minutes: z.int().check(z.minimum(5, 'must be at least 5'), z.maximum(720, 'must be at most 720')),
  capacity: z.int().check(z.minimum(1, 'must be at least 1'), z.maximum(10000, 'must be at most 10000')),
  /** The store confirms its bookings automatically (default false: staff confirm each). */
  autoConfirm: z.optional(z.boolean()),
});

/** A store's telephone: digits, spaces, `-`, an optional leading `+`; at most 20 characters. */
export const phone = z
  .string()
  .check(z.trim(), z.regex(/^\+?[0-9][0-9 -]{1,18}[0-9]$/, 'must be a phone number: digits, spaces, - and a leading +, at most 20 characters'));

/** A photo: an `https://` URL or a CloudBase file id (`cloud://`). */
const photo = z
  .string()
  .check(z.maxLength(1024, 'must be at most 1024 characters'), z.regex(/^(https|cloud):\/\/\S+$/, 'must be an https:// URL or a cloud:// file id'));

export const storeDetails = {
  phone: z.optional(phone),
  photos: z.optional(z.array(photo).check(z.maxLength(9, 'must have at most 9 photos'))),
  services: z.optional(z.array(text(10)).check(z.maxLength(10, 'must have at most 10 services'))),
};

export const storeInput = z.object({
  kind: z.literal('store'),
  id,
  name: text(80),
  address: text(200),
  lat,
  lng,
  category: text(40),
  timezone: z.optional(timezone),
  openingHours,
  slot: slotRule,
  ...storeDetails,
});

export const stationInput = z.object({
  kind: z.literal('station'),
  id,
  name: text(80),
  lat,
  lng,
  zone: polygon,
});

export const bikeCode = z.string().check(z.regex(BIKE_CODE, 'must be 1 to 32 letters, digits, - or _'));

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
