import { wxMock } from './harness';

// Required through string paths: these modules are typed against the mini program's wx typings.
type Result = { ok: true; data: unknown } | { ok: false; error: { code: string; message: string; reason?: string } };
const api = require('../../miniprogram/services/api') as {
  callFunction(name: string, data: object): Promise<Result>;
  nearby(query: object): Promise<Result>;
  UNREACHABLE_MESSAGE: string;
};
const { config } = require('../../miniprogram/config') as { config: { mode: 'local' | 'cloud'; localUrl: string; localOpenid: string } };

type RequestOptions = { url: string; method: string; data: unknown; header: Record<string, string>; success(r: object): void; fail(e: object): void };
type CloudOptions = { name: string; data: unknown; success(r: object): void; fail(e: object): void };

beforeEach(() => {
  jest.clearAllMocks();
  config.mode = 'local';
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});

describe('callFunction in local mode', () => {
  it('POSTs the event to the local host with the local caller, and returns its result', async () => {
    wxMock().request.mockImplementation((o: RequestOptions) => o.success({ statusCode: 200, data: { ok: true, data: { items: [] } } }));
    const result = await api.nearby({ lat: 31.23, lng: 121.47, kind: 'store' });

    expect(result).toEqual({ ok: true, data: { items: [] } });
    const options = wxMock().request.mock.calls[0][0] as RequestOptions;
    expect(options.url).toBe(`${config.localUrl}/functions/geo`);
    expect(options.method).toBe('POST');
    expect(options.header['X-WX-OPENID']).toBe(config.localOpenid);
    expect(options.data).toEqual({ action: 'nearby', lat: 31.23, lng: 121.47, kind: 'store' });
  });

  it('passes contract errors through, whatever the HTTP status', async () => {
    const error = { code: 'INVALID_ARGUMENT', message: 'radius: must be at most 50000' };
    wxMock().request.mockImplementation((o: RequestOptions) => o.success({ statusCode: 400, data: { ok: false, error } }));
    expect(await api.callFunction('geo', { action: 'nearby' })).toEqual({ ok: false, error });
  });

  it('turns an unreachable host into an INTERNAL error the page can offer to retry', async () => {
    wxMock().request.mockImplementation((o: RequestOptions) => o.fail({ errMsg: 'request:fail errcode:-102 cronet_error_code:-102' }));
    expect(await api.callFunction('geo', { action: 'nearby' })).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: api.UNREACHABLE_MESSAGE, reason: 'UNREACHABLE' },
    });
  });

  it('turns an answer that is not a result into an INTERNAL error', async () => {
    wxMock().request.mockImplementation((o: RequestOptions) => o.success({ statusCode: 502, data: '<html>Bad Gateway</html>' }));
    const result = await api.callFunction('geo', { action: 'nearby' });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('INTERNAL');
  });
});

describe('callFunction in cloud mode', () => {
  beforeEach(() => {
    config.mode = 'cloud';
  });

  it('calls the cloud function with the event and returns its result, sending no openid', async () => {
    wxMock().cloud.callFunction.mockImplementation((o: CloudOptions) => o.success({ result: { ok: true, data: { ride: null } } }));
    expect(await api.callFunction('rides', { action: 'current' })).toEqual({ ok: true, data: { ride: null } });
    expect(wxMock().cloud.callFunction.mock.calls[0][0]).toMatchObject({ name: 'rides', data: { action: 'current' } });
    expect(wxMock().request).not.toHaveBeenCalled();
  });

  it('turns a failed call into an INTERNAL error', async () => {
    wxMock().cloud.callFunction.mockImplementation((o: CloudOptions) => o.fail({ errMsg: 'cloud.callFunction:fail timeout' }));
    const result = await api.callFunction('rides', { action: 'current' });
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL', reason: 'UNREACHABLE' } });
  });
});
