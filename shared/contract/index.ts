export * from './common';
export * from './places';
export * from './admin';
export * from './geo';
export * from './bookings';
export * from './rides';
export * from './subscriptions';
export * from './bills';
