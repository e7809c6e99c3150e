/**
 * A static kd-tree of points walked nearest first on the sphere: kdbush's layout and geokdbush's
 * walk (both by Vladimir Agafonkin, ISC), written for the embedded nearby query of stores and
 * stations: built once from the `places` columns, thrown away when they change.
 *
 * The walk measures every point with the contract's own haversine (shared/geo.ts `distancesFromM`),
 * so its order and distances are those of the R*Tree path and of brute force, to the last bit.
 */
import { EARTH_RADIUS_M } from '../../../shared/geo';

const NODE_SIZE = 64;
const RAD = Math.PI / 180;

export class PointIndex {
  /** Position i of the tree holds the point `order[i]` of the input; coords are [lng, lat] pairs. */
  readonly order: Int32Array;
  readonly coords: Float64Array;
  /** cos(lat) of each tree position: the walk's per-point cost is then two sines. */
  private readonly cosLats: Float64Array;

  constructor(lngs: ArrayLike<number>, lats: ArrayLike<number>) {
    const n = lngs.length;
    this.order = new Int32Array(n);
    this.coords = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      this.order[i] = i;
      this.coords[2 * i] = lngs[i];
      this.coords[2 * i + 1] = lats[i];
    }
    sortKD(this.order, this.coords, 0, n - 1, 0);
    this.cosLats = new Float64Array(n);
    for (let i = 0; i < n; i++) this.cosLats[i] = Math.cos(this.coords[2 * i + 1] * RAD);
  }

  get size(): number {
    return this.order.length;
  }

  /**
   * Visits points nearest first, up to about `maxM`, until `visit` answers false. The order is
   * geokdbush's (haversine on the unit sphere, which rounding may order differently from the
   * contract's formula for distances a few nanometres apart): `visit(point, approxM)` gets the input
   * position of the point and its distance to within a micrometre; the caller measures exactly,
   * and goes on past a cut by a margin (see `NEAR_TIE_M`).
   */
  nearest(lng: number, lat: number, maxM: number, visit: (point: number, approxM: number) => boolean): void {
    const n = this.order.length;
    if (n === 0) return;
    const cosLat = Math.cos(lat * RAD);
    const maxH = maxM >= Math.PI * EARTH_RADIUS_M ? 1 : haverSin(maxM / EARTH_RADIUS_M);
    const { coords, cosLats } = this;
    const queue = new MinQueue();
    const pointH = (i: number) => cosLat * cosLats[i] * haverSin((lng - coords[2 * i]) * RAD) + haverSin((lat - coords[2 * i + 1]) * RAD);
    // Nodes are queued by a lower bound of their points' distances, points by their own: a point
    // popped before every node is nearer than anything left.
    let node: Node | undefined = { left: 0, right: n - 1, axis: 0, minLng: -180, minLat: -90, maxLng: 180, maxLat: 90 };
    while (node) {
      const { left, right } = node;
      if (right - left <= NODE_SIZE) {
        for (let i = left; i <= right; i++) {
          const h = pointH(i);
          if (h <= maxH) queue.push(h, i);
        }
      } else {
        const m = (left + right) >> 1;
        const midLng = coords[2 * m];
        const midLat = coords[2 * m + 1];
        const hm = pointH(m);
        if (hm <= maxH) queue.push(hm, m);
        const axis = 1 - node.axis;
        const a: Node = {
          left,
          right: m - 1,
          axis,
          minLng: node.minLng,
          minLat: node.minLat,
          maxLng: node.axis === 0 ? midLng : node.maxLng,
          maxLat: node.axis === 1 ? midLat : node.maxLat,
        };
        const b: Node = {
          left: m + 1,
          right,
          axis,
          minLng: node.axis === 0 ? midLng : node.minLng,
          minLat: node.axis === 1 ? midLat : node.minLat,
          maxLng: node.maxLng,
          maxLat: node.maxLat,
        };
        const ha = boxLowerBound(lng, lat, cosLat, a);
        const hb = boxLowerBound(lng, lat, cosLat, b);
        if (ha <= maxH) queue.pushNode(ha, a);
        if (hb <= maxH) queue.pushNode(hb, b);
      }
      node = undefined;
      while (queue.length > 0) {
        const top = queue.pop();
        if (top.node) {
          node = top.node;
          break;
        }
        if (!visit(this.order[top.at], 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(Math.min(1, top.dist))))) return;
      }
    }
  }
}

/**
 * Two points whose approximate distances (PointIndex.nearest) differ by less than this may be in
 * either order by the contract's formula: a caller cutting at a distance reads on this far past it.
 */
export const NEAR_TIE_M = 1e-3;

interface Node {
  left: number;
  right: number;
  axis: number;
  minLng: number;
  minLat: number;
  maxLng: number;
  maxLat: number;
}

/** A binary min-heap of points (tree positions) and nodes by distance. */
class MinQueue {
  private dists: number[] = [];
  private ats: number[] = [];
  private nodes: Array<Node | undefined> = [];
  length = 0;

  push(dist: number, at: number): void {
    this.add(dist, at, undefined);
  }

  pushNode(dist: number, node: Node): void {
    this.add(dist, -1, node);
  }

  private add(dist: number, at: number, node: Node | undefined): void {
    let i = this.length++;
    const { dists, ats, nodes } = this;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (dists[parent] <= dist) break;
      dists[i] = dists[parent];
      ats[i] = ats[parent];
      nodes[i] = nodes[parent];
      i = parent;
    }
    dists[i] = dist;
    ats[i] = at;
    nodes[i] = node;
  }

  pop(): { dist: number; at: number; node: Node | undefined } {
    const { dists, ats, nodes } = this;
    const top = { dist: dists[0], at: ats[0], node: nodes[0] };
    const last = --this.length;
    if (last > 0) {
      const dist = dists[last];
      const at = ats[last];
      const node = nodes[last];
      let i = 0;
      const half = last >> 1;
      while (i < half) {
        let child = 2 * i + 1;
        if (child + 1 < last && dists[child + 1] < dists[child]) child++;
        if (dists[child] >= dist) break;
        dists[i] = dists[child];
        ats[i] = ats[child];
        nodes[i] = nodes[child];
        i = child;
      }
      dists[i] = dist;
      ats[i] = at;
      nodes[i] = node;
    }
    nodes[last] = undefined;
    return top;
  }
}

const haverSin = (theta: number) => {
  const s = Math.sin(theta / 2);
  return s * s;
};

/** A lower bound of the haversine (unit sphere) from (lng, lat) to any point of the box: geokdbush's boxDist. */
function boxLowerBound(lng: number, lat: number, cosLat: number, box: Node): number {
  let h: number;
  if (lng >= box.minLng && lng <= box.maxLng) {
    if (lat < box.minLat) h = haverSin((lat - box.minLat) * RAD);
    else if (lat > box.maxLat) h = haverSin((lat - box.maxLat) * RAD);
    else return 0;
  } else {
    const hDLng = Math.min(haverSin((lng - box.minLng) * RAD), haverSin((lng - box.maxLng) * RAD));
    const cosDLng = 1 - 2 * hDLng;
    const extremumLat = cosDLng <= 0 ? (lat > 0 ? 90 : -90) : Math.atan(Math.tan(lat * RAD) / cosDLng) / RAD;
    const partial = (lat2: number) => cosLat * Math.cos(lat2 * RAD) * hDLng + haverSin((lat - lat2) * RAD);
    h = extremumLat > box.minLat && extremumLat < box.maxLat ? partial(extremumLat) : Math.min(partial(box.minLat), partial(box.maxLat));
  }
  return h;
}

// kdbush's sort: each node's median at its middle, split alternately by longitude and latitude.
function sortKD(ids: Int32Array, coords: Float64Array, left: number, right: number, axis: number): void {
  if (right - left <= NODE_SIZE) return;
  const m = (left + right) >> 1;
  select(ids, coords, m, left, right, axis);
  sortKD(ids, coords, left, m - 1, 1 - axis);
  sortKD(ids, coords, m + 1, right, 1 - axis);
}

function select(ids: Int32Array, coords: Float64Array, k: number, left: number, right: number, axis: number): void {
  while (right > left) {
    if (right - left > 600) {
      const n = right - left + 1;
      const m = k - left + 1;
      const z = Math.log(n);
      const s = 0.5 * Math.exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * (m - n / 2 < 0 ? -1 : 1);
      const newLeft = Math.max(left, Math.floor(k - (m * s) / n + sd));
      const newRight = Math.min(right, Math.floor(k + ((n - m) * s) / n + sd));
      select(ids, coords, k, newLeft, newRight, axis);
    }
    const t = coords[2 * k + axis];
    let i = left;
    let j = right;
    swap(ids, coords, left, k);
    if (coords[2 * right + axis] > t) swap(ids, coords, left, right);
    while (i < j) {
      swap(ids, coords, i, j);
      i++;
      j--;
      while (coords[2 * i + axis] < t) i++;
      while (coords[2 * j + axis] > t) j--;
    }
    if (coords[2 * left + axis] === t) swap(ids, coords, left, j);
    else {
      j++;
      swap(ids, coords, j, right);
    }
    if (j <= k) left = j + 1;
    if (k <= j) right = j - 1;
  }
}

function swap(ids: Int32Array, coords: Float64Array, i: number, j: number): void {
  const id = ids[i];
  ids[i] = ids[j];
  ids[j] = id;
  const x = coords[2 * i];
  const y = coords[2 * i + 1];
  coords[2 * i] = coords[2 * j];
  coords[2 * i + 1] = coords[2 * j + 1];
  coords[2 * j] = x;
  coords[2 * j + 1] = y;
}
