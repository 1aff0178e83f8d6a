/** A file the agent asked for that can't be made or sent as asked: its message is written for the model. */
export class FileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FileError";
  }
}
