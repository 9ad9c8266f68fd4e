/**
 * A problem with the user's input (file, flag, value). The CLI prints its message alone
 * (no stack trace) and exits with code 2. Name the field and the allowed values in the message.
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}
