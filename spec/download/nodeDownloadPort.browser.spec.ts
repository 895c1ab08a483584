import { firstValueFrom } from 'rxjs';
import { nodeDownloadPort } from '../../lib/download/nodeDownloadPort.browser';

describe('nodeDownloadPort in a browser', () => {
  it('should say that downloads need a port of their own there', async () => {
    const port = nodeDownloadPort();
    const message = /needs Node\.js .*pass a DownloadPort of your own/;
    await expect(firstValueFrom(port.get({ url: 'https://example.com/fw.bin', offset: 0 }))).rejects.toThrow(
      message,
    );
    expect(() => port.openFile('fw.bin')).toThrow(message);
    await expect(firstValueFrom(port.removeFile('fw.bin'), { defaultValue: undefined })).rejects.toThrow(
      message,
    );
  });
});
