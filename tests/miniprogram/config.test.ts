import { DEFAULT_QR_BASE, parseBikeQr } from '../../shared/qr';
import { wxMock } from './harness';

type Backend = { mode: 'local' | 'cloud'; localUrl: string; envId: string; qrBase: string };
// Required through a string path: config.ts reads `wx`, whose types are the mini program's.
const { backendFor, config, currentEnvVersion, RELEASE } = require('../../miniprogram/config') as {
  backendFor(v: string): Backend;
  config: Backend;
  currentEnvVersion(): string;
  RELEASE: { envId: string; qrBase: string };
};

describe('the mini program config', () => {
  it('reads the stickers that `npm run qr` prints by default', () => {
    expect(config.qrBase).toBe(DEFAULT_QR_BASE);
    expect(parseBikeQr(`${DEFAULT_QR_BASE}B0042`, config.qrBase)).toBe('B0042');
  });

  it('talks to the local host of `npm start` in a developer build only', () => {
    expect(backendFor('develop')).toMatchObject({ mode: 'local', localUrl: 'http://127.0.0.1:8787' });
    expect(backendFor('trial')).toMatchObject({ mode: 'cloud', envId: RELEASE.envId });
    expect(backendFor('release')).toMatchObject({ mode: 'cloud', envId: RELEASE.envId, qrBase: RELEASE.qrBase });
  });

  it('reads the build from WeChat, and treats an unknown one as a release', () => {
    const info = wxMock().getAccountInfoSync;
    expect(currentEnvVersion()).toBe('develop'); // setup.ts plays DevTools
    info.mockReturnValueOnce({ miniProgram: { envVersion: 'trial' } });
    expect(currentEnvVersion()).toBe('trial');
    info.mockReturnValueOnce({ miniProgram: { envVersion: 'release' } });
    expect(currentEnvVersion()).toBe('release');
    info.mockImplementationOnce(() => {
      throw new Error('getAccountInfoSync:fail');
    });
    expect(currentEnvVersion()).toBe('release');
  });
});
