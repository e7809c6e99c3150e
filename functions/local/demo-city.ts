/**
 * The demo city, made deterministically (same seed, same city): stores of six categories with
 * real-looking hours around People's Square, ten bike stations with parking zones, 200 bikes,
 * one staff member. `npm run seed:print` prints it (scripts/print-demo-city.ts); the local host seeds it into an empty
 * database (functions/local/seed.ts, beside it: the host depends on no script).
 */
import type { PlaceInput, StationInput } from '../../shared/contract/places';
import { CITY_CENTER } from '../../shared/city';
import type { OpeningHours } from '../../shared/hours';
import { seededRandom } from '../../shared/random';

export const DEMO_STAFF_OPENID = 'local-staff';

const M_PER_DEG_LAT = 111195.08;
const mPerDegLng = (lat: number) => M_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180);

/** A position `northM` metres north and `eastM` metres east of `from`, rounded to 1e-6°. */
function offset(from: { lat: number; lng: number }, northM: number, eastM: number) {
  const round = (x: number) => Math.round(x * 1e6) / 1e6;
  return { lat: round(from.lat + northM / M_PER_DEG_LAT), lng: round(from.lng + eastM / mPerDegLng(from.lat)) };
}

const days = (from: number, to: number, open: string, close: string): OpeningHours[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ day: from + i, open, close }));

const HOURS: Record<string, OpeningHours[][]> = {
  coffee: [[...days(1, 5, '07:30', '21:00'), ...days(6, 7, '09:00', '22:00')], days(1, 7, '08:00', '20:00')],
  bakery: [days(1, 7, '08:00', '20:30'), [...days(1, 6, '07:00', '19:00')]],
  pharmacy: [days(1, 7, '00:00', '00:00'), days(1, 7, '08:00', '22:00')],
  bank: [[...days(1, 5, '09:00', '17:00'), { day: 6, open: '09:00', close: '12:00' }]],
  service: [[...days(1, 5, '08:30', '17:30'), { day: 6, open: '09:00', close: '16:00' }]],
  food: [days(1, 7, '18:00', '02:00'), [...days(1, 4, '17:00', '23:30'), ...days(5, 7, '17:00', '03:00')]],
};

const NAMES: Record<string, string[]> = {
  coffee: ['梧桐咖啡', '街角咖啡', '慢时光咖啡', '豆子研究所', '晨光咖啡', '拾光咖啡', '白鸽咖啡'],
  bakery: ['麦香烘焙', '老虎窗面包房', '半糖烘焙', '石库门点心铺', '黄油与面粉', '晨面包'],
  pharmacy: ['康宁大药房', '仁心药房', '本草堂药店', '益丰社区药房', '华氏大药房', '济生药房'],
  bank: ['城市银行人民广场支行', '城市银行南京东路支行', '浦江银行福州路支行', '浦江银行西藏中路支行', '申城农商行黄浦支行'],
  service: ['水电燃气缴费厅（人民广场）', '水电燃气缴费厅（外滩）', '社区生活服务中心', '燃气营业厅（南京路）', '自来水营业厅（九江路）'],
  food: ['弄堂夜宵', '深夜面馆', '阿婆生煎', '老灶台烧烤', '一碗小馄饨', '夜猫子砂锅'],
};

/** What each kind of store offers (geo's `services` tags; at most 10 of at most 10 characters). */
const SERVICES: Record<string, string[]> = {
  coffee: ['Wi-Fi', '插座', '外带'],
  bakery: ['外带', '生日蛋糕'],
  pharmacy: ['医保', '药师咨询'],
  bank: ['ATM', '外币兑换', '停车'],
  service: ['水费', '电费', '燃气费'],
  food: ['夜宵', '外卖'],
};

const STREETS = ['南京东路', '福州路', '西藏中路', '九江路', '汉口路', '北京东路', '延安东路', '黄陂北路', '威海路', '成都北路', '淮海东路', '广西北路'];

export interface DemoCity {
  places: PlaceInput[];
  staff: { openid: string; storeIds: string[] }[];
}

/** Builds the demo city; every call with the same seed gives the same city. */
export function demoCity(seed = 20261125): DemoCity {
  const rand = seededRandom(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const within = (radiusM: number) => {
    const r = radiusM * Math.sqrt(rand());
    const a = rand() * 2 * Math.PI;
    return offset(CITY_CENTER, r * Math.cos(a), r * Math.sin(a));
  };

  const places: PlaceInput[] = [];
  let storeNo = 0;
  for (const [category, names] of Object.entries(NAMES)) {
    for (const name of names) {
      storeNo++;
      const id = `S${String(storeNo).padStart(3, '0')}`;
      places.push({
        kind: 'store',
        id,
        name,
        address: `上海市黄浦区${pick(STREETS)}${10 + Math.floor(rand() * 590)}号`,
        ...within(2500),
        category,
        timezone: 'Asia/Shanghai',
        openingHours: pick(HOURS[category]),
        slot: { minutes: category === 'bank' || category === 'service' ? 20 : 30, capacity: 2 + Math.floor(rand() * 5) },
        // Made from the store's number, not the random source: the rest of the city stays as it was.
        phone: `021-6${String(3200 + storeNo * 17).padStart(4, '0')} ${String(1000 + storeNo * 263).slice(-4)}`,
        services: SERVICES[category],
      });
    }
  }

  const stations: StationInput[] = [];
  for (let i = 1; i <= 10; i++) {
    const centre = within(2200);
    const half = { n: 12 + Math.floor(rand() * 10), e: 20 + Math.floor(rand() * 15) };
    const corner = (n: number, e: number): [number, number] => {
      const p = offset(centre, n, e);
      return [p.lng, p.lat];
    };
    // Station 3 is L-shaped (concave), as a corner plaza would be.
    const ring: [number, number][] =
      i === 3
        ? [
            corner(-half.n, -half.e),
            corner(-half.n, half.e),
            corner(0, half.e),
            corner(0, 0),
            corner(half.n, 0),
            corner(half.n, -half.e),
            corner(-half.n, -half.e),
          ]
        : [corner(-half.n, -half.e), corner(-half.n, half.e), corner(half.n, half.e), corner(half.n, -half.e), corner(-half.n, -half.e)];
    stations.push({
      kind: 'station',
      id: `P${String(i).padStart(2, '0')}`,
      name: `${STREETS[i - 1]}停车点`,
      ...centre,
      zone: { type: 'Polygon', coordinates: [ring] },
    });
  }
  places.push(...stations);

  for (let i = 1; i <= 200; i++) {
    const code = `B${String(i).padStart(4, '0')}`;
    let position: { lat: number; lng: number };
    if (i <= 120) {
      // Parked inside a station's zone, away from its edges.
      const s = stations[i % stations.length];
      const ring = s.zone.coordinates[0];
      const t = 0.2 + rand() * 0.2;
      position = { lng: +(ring[0][0] + (ring[2][0] - ring[0][0]) * t).toFixed(6), lat: +(ring[0][1] + (ring[2][1] - ring[0][1]) * t).toFixed(6) };
    } else {
      position = within(2500);
    }
    places.push({ kind: 'bike', id: code, code, ...position, status: i % 19 === 0 ? 'maintenance' : 'available' });
  }

  return { places, staff: [{ openid: DEMO_STAFF_OPENID, storeIds: ['S001', 'S008', 'S020'] }] };
}
