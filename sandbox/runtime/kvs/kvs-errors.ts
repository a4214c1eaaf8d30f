/**
 * Errors the KVS emulator answers with. The HTTP shape is the one Forge's storage service uses and
 * @forge/kvs parses: a non-2xx status with a JSON body `{ code, message }` (see @forge/kvs
 * out/utils/error-handling.js), which the package turns into a `ForgeKvsAPIError` carrying `code`.
 */
export class KvsServiceError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'KvsServiceError';
  }
}

export const badRequest = (code: string, message: string): KvsServiceError =>
  new KvsServiceError(400, code, message);
