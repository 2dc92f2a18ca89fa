/**
 * The SDK's name and version as sent to the server in the `client-name` and `client-version`
 * headers. A test checks that the version matches `package.json`.
 *
 * @module
 */

/** The value of the `client-name` header on every call. */
export const SDK_NAME = "sandglass-typescript";

/** The version of this package, sent as the `client-version` header. */
export const SDK_VERSION = "0.1.0";
