import type { LatLng } from './geo';

/** The demo city's centre (People's Square, Shanghai, GCJ-02): where the map opens without a location. */
export const CITY_CENTER: LatLng = { lat: 31.2304, lng: 121.4737 };

/** Store categories the demo city and the mini program know, with their labels. */
export const CATEGORIES: Record<string, string> = {
  coffee: '咖啡',
  bakery: '面包烘焙',
  pharmacy: '药房',
  bank: '银行网点',
  service: '生活缴费厅',
  food: '深夜食堂',
};

/** The demo city's offset from UTC in minutes (China Standard Time, no daylight saving): what "today" and a payment's time read in on the phone. */
export const CITY_UTC_OFFSET_MIN = 480;
