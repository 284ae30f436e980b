/**
 * The room's relay, as the rest of the project imports it: its parts live in
 * src/room/relay/ (index.ts says how they fit).
 */
export * from './relay/index.ts';
export { phoneIdFor, roomIdFor } from './identity.ts';
