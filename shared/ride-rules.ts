/**
 * Ride numbers the mini program words as well as the functions enforce. Kept free of zod so the
 * mini program bundle can import them (the contract re-exports them).
 */

/** How close a rider must stand to unlock a bike, in metres. */
export const MAX_UNLOCK_DISTANCE_M = 100;
