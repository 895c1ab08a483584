import { of, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { DigestMismatchError, DownloadFailedError } from '../../../lib/alink/downloadErrors';
import { reportOtaProgress } from '../../../lib/alink/ota/reportOtaProgress';
import type { DownloadProgress } from '../../../lib/alink/verifiedDownload';
import type { OutboundMessage, PublishReceipt } from '../../../lib/connection/messages';
import { fakeAlinkDevice, topics } from '../../support/fakeAlinkDevice';

const at = (percent: number): DownloadProgress => ({
  receivedBytes: percent * 10,
  totalBytes: 1000,
  percent,
});

/** What was reported, as `time step`, read from the payloads the fake device was asked to publish. */
function recorder(
  scheduler: TestScheduler,
  published: () => Observable<PublishReceipt> = () => of({ topic: topics.otaProgress, qos: 1, bytes: 1 }),
) {
  const reports: string[] = [];
  const { device, sent } = fakeAlinkDevice({
    published: (message: OutboundMessage) => {
      const { params } = JSON.parse(String(message.payload)) as { params: { step: string } };
      reports.push(`${scheduler.now()} ${params.step}`);
      return published();
    },
  });
  return { device, sent, reports };
}

describe('reportOtaProgress', () => {
  let scheduler: TestScheduler;

  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should report the first value at once, then at most one per interval, and the last at completion', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { device, reports } = recorder(scheduler);
      // prettier-ignore
      const source = cold('a 99ms b 199ms c 899ms d 499ms (e|)', { a: at(0), b: at(10), c: at(30), d: at(60), e: at(100) });
      const values = { a: at(0), b: at(10), c: at(30), d: at(60), e: at(100) };
      expectObservable(source.pipe(reportOtaProgress(device, { intervalMs: 1000 }))).toBe(
        'a 99ms b 199ms c 899ms d 499ms (e|)',
        values,
      );
      scheduler.flush();
      // 10 and 60 were overtaken within their interval; 30 went when its interval was up.
      expect(reports).toEqual(['0 0', '1000 30', '1700 100']);
    });
  });

  it('should publish each report on the progress topic, with its module and a description', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { device, sent } = recorder(scheduler);
      const source = cold('(a|)', { a: at(100) });
      expectObservable(source.pipe(reportOtaProgress(device, { module: 'MCU' }))).toBe('(a|)', {
        a: at(100),
      });
      scheduler.flush();
      expect(sent).toHaveLength(1);
      expect(sent[0]?.topic).toBe(topics.otaProgress);
      expect(sent[0]?.qos).toBe(1);
      expect(JSON.parse(String(sent[0]?.payload))).toEqual({
        id: expect.stringMatching(/^\d+$/),
        params: { step: '100', desc: '1000 of 1000 bytes', module: 'MCU' },
      });
    });
  });

  it('should not report the same step twice, however many chunks carry it', () => {
    scheduler.run(({ cold }) => {
      const { device, reports } = recorder(scheduler);
      const source = cold('a 1s b 1s c 1s (d|)', { a: at(5), b: at(5), c: at(5), d: at(5) });
      source.pipe(reportOtaProgress(device, { intervalMs: 500 })).subscribe();
      scheduler.flush();
      expect(reports).toEqual(['0 5']);
    });
  });

  it('should report -3 for a digest mismatch, then let the error through once it is published', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const error = new DigestMismatchError('http://x/fw.bin', 'MD5', 'a'.repeat(32), 'b'.repeat(32));
      const { device, reports, sent } = recorder(scheduler, () =>
        cold('--(r|)', { r: { topic: topics.otaProgress, qos: 1, bytes: 1 } }),
      );
      const source = cold('a 9ms #', { a: at(0) }, error);
      expectObservable(source.pipe(reportOtaProgress(device))).toBe('a 11ms #', { a: at(0) }, error);
      scheduler.flush();
      // Reported when the error came; the error waits for that publish to finish.
      expect(reports).toEqual(['0 0', '10 -3']);
      expect(JSON.parse(String(sent[1]?.payload))).toMatchObject({
        params: { step: '-3', desc: error.message },
      });
    });
  });

  it('should report -2 for a download that failed, and drop the percent still waiting', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const error = new DownloadFailedError('http://x/fw.bin', 'HTTP 404', 404);
      const { device, reports } = recorder(scheduler);
      const source = cold('a 99ms b 99ms #', { a: at(0), b: at(40) }, error);
      expectObservable(source.pipe(reportOtaProgress(device))).toBe(
        'a 99ms b 99ms #',
        { a: at(0), b: at(40) },
        error,
      );
      scheduler.flush();
      expect(reports).toEqual(['0 0', '200 -2']);
    });
  });

  it('should complete only once the last report is published', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { device } = recorder(scheduler, () =>
        cold('-----(r|)', { r: { topic: topics.otaProgress, qos: 1, bytes: 1 } }),
      );
      const source = cold('(a|)', { a: at(100) });
      expectObservable(source.pipe(reportOtaProgress(device))).toBe('a----|', { a: at(100) });
    });
  });

  it('should stop reporting when unsubscribed, a waiting report included', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const { device, reports } = recorder(scheduler);
      const source = cold('a 99ms b 5s c', { a: at(0), b: at(50), c: at(90) });
      expectObservable(source.pipe(reportOtaProgress(device)), '^ 500ms !').toBe('a 99ms b', {
        a: at(0),
        b: at(50),
      });
      expectSubscriptions(source.subscriptions).toBe('^ 500ms !');
      scheduler.flush();
      expect(reports).toEqual(['0 0']);
    });
  });
});
