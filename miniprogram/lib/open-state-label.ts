/**
 * Kept for pages not yet switched: the wording lives in shared/wording.ts (openStateWording,
 * hoursLines); this file reads through to it so a store reads the same everywhere meanwhile.
 */
import { hoursLines as sharedHoursLines, openStateWording, type OpeningHours } from '../shared/index';

export interface OpenStateLabel {
  state: string;
  next: string;
}

export function openStateLabel(open: boolean, nextChange: string | null, now: Date): OpenStateLabel {
  const { state, next } = openStateWording(open, nextChange, now);
  return { state, next };
}

export type WeeklyHours = OpeningHours;

export const hoursLines = (hours: readonly WeeklyHours[]): string[] => sharedHoursLines(hours);
