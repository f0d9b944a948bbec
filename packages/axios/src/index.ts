export { attachTokens, checkAttachTokensOptions } from './attach-tokens.js';
export type { AttachTokensOptions, DetachTokens } from './attach-tokens.js';
