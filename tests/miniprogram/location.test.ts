import { wxMock } from './harness';

type Located = { ok: true; position: { lat: number; lng: number } } | { ok: false; reason: 'privacy' | 'denied' | 'off' | 'failed' };
const location = require('../../miniprogram/services/location') as {
  locate(): Promise<Located>;
  enableLocation(): Promise<Located>;
  openRoute(target: { lat: number; lng: number; name?: string; address?: string }): void;
  reauthorizeLocation(): Promise<boolean>;
};

beforeEach(() => jest.clearAllMocks());

describe('the location service', () => {
  it('asks for GCJ-02 and gives { lat, lng }', async () => {
    wxMock().getLocation.mockImplementation((o: { success(r: object): void }) => o.success({ latitude: 31.22, longitude: 121.45 }));
    expect(await location.locate()).toEqual({ ok: true, position: { lat: 31.22, lng: 121.45 } });
    expect(wxMock().getLocation.mock.calls[0][0]).toMatchObject({ type: 'gcj02' });
  });

  it.each([
    ['getLocation:fail auth deny', 'denied'],
    ['getLocation:fail:auth denied', 'denied'],
    ['getLocation:fail authorize no response', 'denied'],
    ['getLocation:fail privacy permission is not authorized', 'privacy'],
    ['getLocation:fail system permission denied', 'off'],
    ['getLocation:fail:ERROR_NETWORK', 'failed'],
    ['getLocation:fail timeout', 'failed'],
  ])('reads "%s" as %s', async (errMsg, reason) => {
    wxMock().getLocation.mockImplementation((o: { fail(e: object): void }) => o.fail({ errMsg }));
    expect(await location.locate()).toEqual({ ok: false, reason });
  });

  it('opens the map app on a place', () => {
    location.openRoute({ lat: 31.22, lng: 121.45, name: '街角咖啡', address: '南京东路 1 号' });
    expect(wxMock().openLocation).toHaveBeenCalledWith(
      expect.objectContaining({ latitude: 31.22, longitude: 121.45, name: '街角咖啡', address: '南京东路 1 号' }),
    );
  });

  it('reports whether the location is allowed after the settings page', async () => {
    wxMock().openSetting.mockImplementationOnce((o: { success(r: object): void }) => o.success({ authSetting: { 'scope.userLocation': true } }));
    expect(await location.reauthorizeLocation()).toBe(true);
    wxMock().openSetting.mockImplementationOnce((o: { success(r: object): void }) => o.success({ authSetting: {} }));
    expect(await location.reauthorizeLocation()).toBe(false);
  });

  describe('turning the location on', () => {
    const located = (o: { success(r: object): void }) => o.success({ latitude: 31.22, longitude: 121.45 });

    it('asks again without the settings when the permission was never turned off (a declined privacy agreement)', async () => {
      wxMock().getSetting.mockImplementation((o: { success(r: object): void }) => o.success({ authSetting: {} }));
      wxMock().getLocation.mockImplementation(located);
      expect(await location.enableLocation()).toEqual({ ok: true, position: { lat: 31.22, lng: 121.45 } });
      expect(wxMock().openSetting).not.toHaveBeenCalled();
    });

    it('opens the settings for a permission the user turned off, then locates', async () => {
      wxMock().getSetting.mockImplementation((o: { success(r: object): void }) => o.success({ authSetting: { 'scope.userLocation': false } }));
      wxMock().openSetting.mockImplementationOnce((o: { success(r: object): void }) => o.success({ authSetting: { 'scope.userLocation': true } }));
      wxMock().getLocation.mockImplementation(located);
      expect(await location.enableLocation()).toEqual({ ok: true, position: { lat: 31.22, lng: 121.45 } });
      expect(wxMock().openSetting).toHaveBeenCalledTimes(1);
    });

    it('stays denied when the user leaves the settings without turning it on', async () => {
      wxMock().getSetting.mockImplementation((o: { success(r: object): void }) => o.success({ authSetting: { 'scope.userLocation': false } }));
      wxMock().openSetting.mockImplementationOnce((o: { success(r: object): void }) => o.success({ authSetting: { 'scope.userLocation': false } }));
      expect(await location.enableLocation()).toEqual({ ok: false, reason: 'denied' });
      expect(wxMock().getLocation).not.toHaveBeenCalled();
    });
  });
});
