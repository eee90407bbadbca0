// A build failure whose message is meant for the user (shown on the build and in its log), as
// opposed to an unexpected error, whose details stay in the daemon log.
export class BuildFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BuildFailure";
  }
}
