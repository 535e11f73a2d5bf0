/** What every sensitive value looks like in a report, whatever the journal held. Its own file so the section builders can use it without importing the model they feed. */
export const MASK = '********';
