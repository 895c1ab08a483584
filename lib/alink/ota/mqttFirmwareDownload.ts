import * as E from 'fp-ts/Either';
import { concatMap, defer, from, map, of, throwError, type Observable } from 'rxjs';
import type { DownloadPort } from '../../download/DownloadPort';
import { nodeDownloadPort } from '../../download/nodeDownloadPort';
import type { OtaMqttFirmware } from '../../protocol';
import type { AlinkDevice } from '../AlinkDevice';
import { DownloadFailedError } from '../downloadErrors';
import { downloadFile, type DownloadFileOptions, type FileDownloadFailure } from '../downloadFile';
import { SinkError } from '../downloadSink';
import { checkedDownload, intoTarget, type DownloadProgress, type DownloadTarget } from '../verifiedDownload';

/** How an OTA image announced over MQTT is downloaded: `downloadFile`'s options, with its defaults. */
export type OtaMqttDownloadOptions = Pick<
  DownloadFileOptions,
  'blockBytes' | 'timeoutMs' | 'retries' | 'qos' | 'fileToken'
>;

/** Why the blocks stopped, in a sentence; the failure itself is the error's `cause`. */
function reasonOf(failure: FileDownloadFailure): string {
  switch (failure._tag) {
    case 'ReplyFailure':
      return `the platform refused a block: ${failure.code}${failure.message ? ` ${failure.message}` : ''}`;
    case 'TimeoutFailure':
      return `no reply within ${failure.timeoutMs} ms, after every retry`;
    case 'DownloadBlockFailure':
      return failure.message;
    case 'DecodeError':
      return failure.messages.join('; ');
    default:
      return failure.error.message;
  }
}

/**
 * The MQTT counterpart of `verifiedDownload`, for `createOta(device).download`: the image's blocks
 * (`downloadFile`) go into the digest and `target` as they come, with the same progress, the same checks of
 * size and digest at the end, and the same errors (`DownloadFailedError` for blocks that could not be had,
 * its `cause` the `FileDownloadFailure`); a file target is removed on failure or unsubscription. Errors name
 * the image `mqtt stream ${streamId} file ${streamFileId}`.
 */
export function mqttFirmwareDownload(
  device: AlinkDevice,
  firmware: OtaMqttFirmware,
  target: DownloadTarget,
  options: OtaMqttDownloadOptions & { readonly port?: DownloadPort | undefined } = {},
): Observable<DownloadProgress> {
  return defer(() => {
    const { port = nodeDownloadPort(), ...blockOptions } = options;
    const { streamId, streamFileId, size } = firmware;
    const name = `mqtt stream ${streamId} file ${streamFileId}`;
    return intoTarget(target, port, (sink, discarded$) =>
      checkedDownload(name, firmware, sink, discarded$, (digest, state) =>
        downloadFile(device, { ...blockOptions, streamId, fileId: streamFileId, size }).pipe(
          concatMap((result) => {
            if (E.isLeft(result)) {
              return throwError(
                () => new DownloadFailedError(name, reasonOf(result.left), undefined, result.left),
              );
            }
            const { bytes } = result.right;
            digest.update(bytes);
            state.received += bytes.length;
            const failure = sink.failure();
            if (failure) return throwError(() => new SinkError(failure));
            // The sink's backpressure is a promise; the blocks go on meanwhile (at most the file, 16 MiB, waits).
            const wait = sink.write(bytes);
            return wait === undefined ? of(state.received) : from(wait).pipe(map(() => state.received));
          }),
        ),
      ),
    );
  });
}
