// Types of miniprogram/shared/index.js, the bundle of shared/miniprogram.ts made at install.
export * from '../../shared/miniprogram';
