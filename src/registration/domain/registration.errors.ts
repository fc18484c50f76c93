/** The registration request is not a JSON object of metadata at all: there is nothing to validate (400 invalid_request). */
export class InvalidRegistrationRequestError extends Error {
  override readonly name = 'InvalidRegistrationRequestError';
}
