import * as E from 'fp-ts/Either';
import { Subscription } from 'rxjs';
import { deviceTopics, type DeviceIdentity } from '../identity';
import {
  ALINK_CODES,
  alinkReply,
  decodeUploadChunk,
  FileUploadInitParams,
  UploadCancelParams,
} from '../protocol';
import { answerAlink, type CloudAnswer } from './answerAlink';
import { anyDeviceTopics } from './anyDeviceTopics';
import type { CloudSide } from './CloudSide';
import type { ReceivedMessage } from './emulatorEvent';
import { DeviceFileNotFoundError } from './emulatorErrors';
import type { FileServer } from './fileServer';
import { fileUploads, type DeviceFile, type StoredFile, type UploadDescription } from './fileUploads';

export type { DeviceFile } from './fileUploads';

/** A file a device uploaded, with its bytes (`QueryDeviceFile`). */
export interface DeviceFileContent extends DeviceFile {
  readonly content: Buffer;
  /** Where the file can be downloaded: the emulator's HTTP server, on loopback. */
  readonly downloadUrl: string;
}

/** The console's side of the files devices upload over MQTT, named after the platform's server API. */
export interface CloudFileCalls {
  /** OpenAPI `QueryDeviceFileList`: the files a device uploaded, oldest first. */
  queryDeviceFileList(device: DeviceIdentity): readonly DeviceFile[];
  /**
   * OpenAPI `QueryDeviceFile`: one file, its bytes and a download URL (a 404 once the file is deleted or
   * replaced). Rejects with `DeviceFileNotFoundError`.
   */
  queryDeviceFile(device: DeviceIdentity, fileId: string): Promise<DeviceFileContent>;
  /** OpenAPI `DeleteDeviceFile`. Throws `DeviceFileNotFoundError`. */
  deleteDeviceFile(device: DeviceIdentity, fileId: string): void;
}

export interface CloudFiles extends CloudFileCalls {
  readonly subscription: Subscription;
}

type Step = 'init' | 'send' | 'cancel';

interface Named {
  readonly uploadId?: string | undefined;
  readonly prior?: UploadDescription | undefined;
  readonly fileName?: string | undefined;
}

const keyOf = ({ productKey, deviceName }: DeviceIdentity) => `${productKey}/${deviceName}`;

/**
 * Answers file uploads over MQTT for every device (`fileUploads` has the rules): `init` and `cancel` as
 * Alink requests, each `send` frame on `send_reply` by the id in its header. A frame whose header gives no
 * id cannot be answered. Reports on `events$` each upload opened, finished or cancelled, and every refusal.
 */
export function cloudFiles(cloud: CloudSide, server: Pick<FileServer, 'serve' | 'withdraw'>): CloudFiles {
  const downloadUrls = new WeakMap<StoredFile, Promise<string>>();
  // A file gone is no longer downloadable.
  const withdraw = (file: StoredFile) =>
    void downloadUrls.get(file)?.then(
      (url) => server.withdraw(url),
      () => undefined,
    );
  const uploads = fileUploads(() => cloud.now(), withdraw);
  const subscription = new Subscription();
  /**
   * Reports a step. `named`: what the request named, the upload (and what it was before the step, for one
   * the step dropped: a cancel, a file too large) or, for an init, the file.
   */
  function report(message: ReceivedMessage, step: Step, answer: CloudAnswer, named: Named = {}): CloudAnswer {
    const { code = ALINK_CODES.success, data } = answer;
    const { uploadId = named.uploadId, complete } = (data ?? {}) as { uploadId?: string; complete?: boolean };
    // Chunks taken are too many to report; the last one is `complete`.
    if (code === ALINK_CODES.success && step === 'send' && complete !== true) return answer;
    const described = uploadId === undefined ? undefined : uploads.describe(keyOf(message), uploadId);
    const upload = described ?? named.prior;
    const fileName = upload?.fileName ?? named.fileName;
    cloud.emit({
      type: 'file-upload',
      device: { productKey: message.productKey, deviceName: message.deviceName },
      step,
      code,
      ...(uploadId === undefined ? {} : { uploadId }),
      ...(fileName === undefined ? {} : { fileName }),
      ...(upload === undefined ? {} : { size: upload.size }),
      ...(complete === true ? { complete } : {}),
      ...(answer.message === undefined ? {} : { message: answer.message }),
    });
    return answer;
  }

  subscription.add(
    answerAlink(cloud, anyDeviceTopics.fileUploadInit, FileUploadInitParams, (params, _request, message) =>
      report(message, 'init', uploads.init(keyOf(message), params), { fileName: params.fileName }),
    ),
  );
  subscription.add(
    answerAlink(
      cloud,
      anyDeviceTopics.fileUploadCancel,
      UploadCancelParams,
      ({ uploadId }, _request, message) => {
        const prior = uploads.describe(keyOf(message), uploadId);
        return report(message, 'cancel', uploads.cancel(keyOf(message), uploadId), { uploadId, prior });
      },
    ),
  );
  subscription.add(
    cloud.listen(anyDeviceTopics.fileUploadSend).subscribe((message) => {
      const chunk = decodeUploadChunk(message.payload);
      if (E.isLeft(chunk)) {
        const { id, reason } = chunk.left;
        const answer = report(message, 'send', {
          code: ALINK_CODES.requestError,
          message: `request error: ${reason}`,
        });
        if (id !== undefined) answerChunk(message, id, answer);
        return;
      }
      const { id, params } = chunk.right;
      const prior = uploads.describe(keyOf(message), params.uploadId);
      const answer = uploads.send(keyOf(message), chunk.right);
      answerChunk(message, id, report(message, 'send', answer, { uploadId: params.uploadId, prior }));
    }),
  );

  function answerChunk(message: ReceivedMessage, id: string, answer: CloudAnswer): void {
    const {
      code = ALINK_CODES.success,
      data = {},
      message: text = code === 200 ? 'success' : 'failed',
    } = answer;
    const payload = alinkReply({ id, code, data, message: text, version: '1.0' });
    cloud.publish(deviceTopics(message).fileUploadSendReply, payload, { qos: 1 }).catch(() => undefined);
  }

  function fileOf(device: DeviceIdentity, fileId: string): StoredFile {
    const file = uploads.filesOf(keyOf(device)).find((f) => f.fileId === fileId);
    if (file === undefined) throw new DeviceFileNotFoundError(device, fileId);
    return file;
  }

  return {
    queryDeviceFileList: (device) =>
      uploads
        .filesOf(keyOf(device))
        .map(({ fileId, name, size, utcCreatedOn }) => ({ fileId, name, size, utcCreatedOn })),
    async queryDeviceFile(device, fileId) {
      const file = fileOf(device, fileId);
      // Served once, at the first query.
      const url =
        downloadUrls.get(file) ?? server.serve(file.content, { name: file.name }).then((s) => s.url);
      downloadUrls.set(file, url);
      const { name, size, utcCreatedOn, content } = file;
      return { fileId, name, size, utcCreatedOn, content, downloadUrl: await url };
    },
    deleteDeviceFile(device, fileId) {
      if (!uploads.deleteFile(keyOf(device), fileId)) throw new DeviceFileNotFoundError(device, fileId);
    },
    subscription,
  };
}
