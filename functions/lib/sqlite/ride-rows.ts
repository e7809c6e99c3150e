/** The rides adapter's rows in SQLite (rides.ts reads and writes them) and how a row becomes a record. */
import type { HoldRecord, ReportRecord, RideRecord } from '../../../shared/ride';

export interface RideRow {
  id: string;
  openid: string;
  bike_id: string;
  bike_code: string;
  status: RideRecord['status'];
  requested_at: string;
  start_at: string | null;
  start_lat: number;
  start_lng: number;
  end_at: string | null;
  end_lat: number | null;
  end_lng: number | null;
  station_id: string | null;
  duration_sec: number | null;
  fee_fen: number | null;
  surcharge_fen: number | null;
  bill_id: string | null;
  ended_by: 'rider' | 'admin' | null;
}

export function toRecord(r: RideRow): RideRecord {
  return {
    id: r.id,
    openid: r.openid,
    bikeId: r.bike_id,
    bikeCode: r.bike_code,
    status: r.status,
    requestedAt: r.requested_at,
    startAt: r.start_at,
    startLat: r.start_lat,
    startLng: r.start_lng,
    endAt: r.end_at,
    endLat: r.end_lat,
    endLng: r.end_lng,
    stationId: r.station_id,
    durationSec: r.duration_sec,
    feeFen: r.fee_fen,
    surchargeFen: r.surcharge_fen,
    billId: r.bill_id,
    endedBy: r.ended_by,
  };
}

export type HoldlessReport = { id: string; openid: string; createdAt: string };

export interface HoldRow {
  id: string;
  openid: string;
  bike_id: string;
  bike_code: string;
  lat: number;
  lng: number;
  created_at: string;
  until: string;
}

export const holdOf = (r: HoldRow): HoldRecord => ({
  id: r.id,
  openid: r.openid,
  bikeId: r.bike_id,
  bikeCode: r.bike_code,
  lat: r.lat,
  lng: r.lng,
  createdAt: r.created_at,
  until: r.until,
});

export interface ReportRow {
  id: string;
  openid: string;
  bike_id: string;
  bike_code: string;
  category: ReportRecord['category'];
  note: string | null;
  photos: string;
  created_at: string;
  day: string;
  status: 'open' | 'resolved';
  resolved_at: string | null;
}

export const reportOf = (r: ReportRow): ReportRecord => ({
  id: r.id,
  openid: r.openid,
  bikeId: r.bike_id,
  bikeCode: r.bike_code,
  category: r.category,
  note: r.note,
  photos: JSON.parse(r.photos) as string[],
  createdAt: r.created_at,
  day: r.day,
  status: r.status,
  resolvedAt: r.resolved_at,
});
