export interface StaffStore {
  /** Replaces the stores a staff member works for; an empty list removes them from staff. */
  set(openid: string, storeIds: string[]): Promise<void>;
  storesOf(openid: string): Promise<string[]>;
  /** Who works for a store (the `newBooking` message goes to each). */
  staffOf(storeId: string): Promise<string[]>;
}
