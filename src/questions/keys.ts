/**
 * The names the room's questions travel and are kept under, in one place:
 * the deck (src/deck/questions.ts) uses them, and the bench that measures a
 * hall asking (bench/room-questions.ts) reads the same state, replies and
 * storage.
 */

/** The state key under which phones get the questions they may see. */
export const QUESTIONS_KEY = 'questions';
/** The reply kind of a phone's own questions, sent to it at each change. */
export const MINE_REPLY = 'questions-mine';
/** The reply kind that tells a phone why the deck refused its question. */
export const REFUSED_REPLY = 'question-refused';
/** The presenter tab's sessionStorage: the question book. */
export const BOOK_STORE = 'deck-room:questions';
/** The presenter laptop's localStorage: whether questions are published at once (the lecturer's setting). */
export const SETTING_STORE = 'deck-room:publish-questions';
/** A phone's localStorage: its own questions and upvotes. */
export const PHONE_STORE = 'deck-room:my-questions';
/** The presenter tab's sessionStorage: each slide's most phones lost at once, for the lecture's record. */
export const PEAKS_STORE = 'deck-room:lost-peaks';
