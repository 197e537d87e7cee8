/** Why no policy can be suggested for the input: a complete one-line reason for the user. */
export class SuggestError extends Error {
  override name = 'SuggestError';
}
