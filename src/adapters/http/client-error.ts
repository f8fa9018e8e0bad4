import { newTraceId } from './trace-id.js';
import type { Duplex } from 'node:stream';

/** The status logged and counted for a call whose caller left before any reply (nginx's convention); never sent. */
export const CLIENT_CLOSED_REQUEST = 499;

/**
 * Node's `clientError` handler: what Node refuses before Koa sees a request
 * (duplicate `Content-Length`, a header block over its limit, a request that
 * did not arrive within `REQUEST_TIMEOUT_MS`) is answered with the protocol's
 * JSON error and a trace id, instead of Node's empty body, and the socket is
 * closed. A socket that already got (part of) a reply is only destroyed.
 */
export function protocolClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  const code = error.code ?? '';
  if (code === 'ECONNRESET' || !socket.writable || (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, detail] =
    code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'request headers too large']
      : code === 'ERR_HTTP_REQUEST_TIMEOUT' || code === 'ERR_HTTP_HEADERS_TIMEOUT'
        ? [408, 'the request did not arrive in time (REQUEST_TIMEOUT_MS)']
        : [400, `malformed HTTP request (${code || 'parse error'})`];
  const traceId = newTraceId();
  // The protocol's codes are the status times 100 (40000, 40800, 43100), as in the reply table.
  const body = JSON.stringify({ code: status * 100, err_msg: detail, third_party_trace_id: traceId });
  const reason = status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `X-Trace-Id: ${traceId}\r\nConnection: close\r\n\r\n${body}`,
  );
}
