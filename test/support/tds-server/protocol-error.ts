/**
 * A malformed or unsupported client message. The server closes only the offending connection
 * and records the error, so one bad client (or a fuzz test) never takes the double down.
 */
export class TdsProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TdsProtocolError';
  }
}
